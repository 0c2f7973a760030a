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
    pp.filterForm(box, 'space', '[data-kind]', ['kind', 'min_area_m2', 'max_price'], function (f) {
      var minArea = number(f.min_area_m2.value);
      var maxPrice = number(f.max_price.value);
      return function (item) {
        var free = number(item.getAttribute('data-available-m2'));
        var rent = number(item.getAttribute('data-price-m2-month'));
        return (!f.kind.value || item.getAttribute('data-kind') === f.kind.value) &&
          (minArea === null || (free !== null && free >= minArea)) &&
          (maxPrice === null || (rent !== null && rent <= maxPrice));
      };
    });
  }

  pp.each('[data-space-finder]', setup);
})();
