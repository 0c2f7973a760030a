/*
 * parkpress default theme: the space finder. Reads ?kind=…&min_area_m2=N&max_price=N into the
 * form and shows only the carriers of that kind (data-kind) with at least that free area
 * (data-available-m2, m²) and at most that rent (data-price-m2-month, yuan per m² and month;
 * spaces without a monthly rent are left out once a maximum is set). Plain ES5, no requests.
 */
(function () {
  'use strict';

  var pp = window.parkpress;
  var number = pp.number;

  function setup(box) {
    var form = box.querySelector('[data-space-form]');
    var kind = form.elements.kind;
    var area = form.elements.min_area_m2;
    var price = form.elements.max_price;
    var items = box.querySelectorAll('[data-kind]');
    var count = box.querySelector('[data-space-count]');
    var empty = box.querySelector('[data-space-empty]');
    var template = box.getAttribute('data-count-template') || '{n} / {total}';

    var params = new URLSearchParams(window.location.search);
    pp.readSelects([kind], params);
    pp.readNumbers([area, price], params);

    function apply(updateUrl) {
      var minArea = number(area.value);
      var maxPrice = number(price.value);
      var shown = 0;
      pp.forEach(items, function (item) {
        var free = number(item.getAttribute('data-available-m2'));
        var rent = number(item.getAttribute('data-price-m2-month'));
        var match = (!kind.value || item.getAttribute('data-kind') === kind.value) &&
          (minArea === null || (free !== null && free >= minArea)) &&
          (maxPrice === null || (rent !== null && rent <= maxPrice));
        item.hidden = !match;
        if (match) {
          shown += 1;
        }
      });
      pp.showCount(count, empty, template, shown, items.length);
      if (updateUrl) {
        pp.keepInAddress([kind, area, price]);
      }
    }

    kind.addEventListener('change', function () {
      apply(true);
    });
    [area, price].forEach(function (field) {
      field.addEventListener('input', function () {
        apply(true);
      });
    });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      apply(true);
    });
    apply(false);
  }

  pp.each('[data-space-finder]', setup);
})();
