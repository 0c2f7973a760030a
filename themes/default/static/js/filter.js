/*
 * parkpress default theme: client-side filters for the policies and tenants lists.
 * Plain ES5, no library, no requests. Loaded with `defer`.
 *
 * Markup:
 *   <div class="filters" hidden data-filter="#list" data-filter-empty="#empty"
 *        data-count-template="Showing {n} of {total}">
 *     <select name="park" data-attr="park">…</select>       matches data-park on items
 *     <select name="industry" data-attr="industries">…</select>
 *     <button type="button" data-filter-reset>…</button>
 *     <p data-filter-count aria-live="polite"></p>
 *   </div>
 *   <ul id="list"><li data-filter-item data-park="a" data-industries="x y">…</li></ul>
 *
 * Item attributes hold space-separated values; an item shows when, for every select with a
 * value, that value is one of them. Without JavaScript the controls stay hidden and every item
 * shows. Choices are written to the query string (?park=…&category=…) so a filtered view can be
 * shared; other parameters (utm_…) are kept.
 */
(function () {
  'use strict';

  var pp = window.parkpress;
  var forEach = pp.forEach;
  var tokens = pp.tokens;

  function setup(box) {
    var list = document.querySelector(box.getAttribute('data-filter'));
    if (!list) {
      return;
    }
    var items = list.querySelectorAll('[data-filter-item]');
    var selects = box.querySelectorAll('select[name]');
    var count = box.querySelector('[data-filter-count]');
    var reset = box.querySelector('[data-filter-reset]');
    var emptySelector = box.getAttribute('data-filter-empty');
    var empty = emptySelector ? document.querySelector(emptySelector) : null;
    var template = box.getAttribute('data-count-template') || '{n} / {total}';

    pp.readSelects(selects, new URLSearchParams(window.location.search));

    function apply(updateUrl) {
      var active = [];
      forEach(selects, function (select) {
        if (select.value) {
          active.push({
            attr: 'data-' + (select.getAttribute('data-attr') || select.name),
            value: select.value
          });
        }
      });

      var shown = 0;
      forEach(items, function (item) {
        var match = active.every(function (f) {
          return tokens(item.getAttribute(f.attr)).indexOf(f.value) >= 0;
        });
        item.hidden = !match;
        if (match) {
          shown += 1;
        }
      });

      pp.showCount(count, empty, template, shown, items.length);
      if (reset) {
        reset.disabled = active.length === 0;
      }
      box.classList.toggle('is-filtered', active.length > 0);

      if (updateUrl) {
        pp.keepInAddress(selects);
      }
    }

    forEach(selects, function (select) {
      select.addEventListener('change', function () {
        apply(true);
      });
    });
    if (reset) {
      reset.addEventListener('click', function () {
        forEach(selects, function (select) {
          select.value = '';
        });
        apply(true);
        if (selects.length) {
          selects[0].focus();
        }
      });
    }

    box.hidden = false;
    apply(false);
  }

  pp.each('[data-filter]', setup);
})();
