/*
 * parkpress default theme: the park comparison. Keeps the parks named in ?parks=a,b,c (two to
 * four; all, up to four, when none are named) and hides the other columns (cells carry
 * data-park). The check boxes change the choice and the address. Plain ES5, no requests.
 */
(function () {
  'use strict';

  var pp = window.parkpress;
  var forEach = pp.forEach;

  function setup(box) {
    var form = box.querySelector('[data-compare-form]');
    var boxes = form.querySelectorAll('input[type="checkbox"]');
    var cells = box.querySelectorAll('[data-park]');
    var max = parseInt(box.getAttribute('data-max'), 10) || 4;
    var known = [];
    forEach(boxes, function (b) {
      known.push(b.value);
    });

    var asked = (new URLSearchParams(window.location.search).get('parks') || '')
      .split(',')
      .filter(function (key, i, all) {
        return known.indexOf(key) >= 0 && all.indexOf(key) === i;
      })
      .slice(0, max);
    var chosen = asked.length ? asked : known.slice(0, max);

    function apply(updateUrl) {
      forEach(boxes, function (b) {
        b.checked = chosen.indexOf(b.value) >= 0;
        b.disabled = !b.checked && chosen.length >= max;
      });
      forEach(cells, function (cell) {
        cell.hidden = chosen.indexOf(cell.getAttribute('data-park')) < 0;
      });
      if (updateUrl && window.history && window.history.replaceState) {
        var kept = new URLSearchParams(window.location.search);
        kept.set('parks', chosen.join(','));
        window.history.replaceState(window.history.state, '', window.location.pathname + '?' + kept.toString().replace(/%2C/g, ',') + window.location.hash);
      }
    }

    forEach(boxes, function (b) {
      b.addEventListener('change', function () {
        if (b.checked && chosen.indexOf(b.value) < 0) {
          chosen.push(b.value);
        } else if (!b.checked) {
          chosen = chosen.filter(function (key) {
            return key !== b.value;
          });
        }
        // Keep column order as the page lists the parks.
        chosen = known.filter(function (key) {
          return chosen.indexOf(key) >= 0;
        });
        apply(true);
      });
    });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
    });
    form.hidden = false;
    apply(false);
  }

  pp.each('[data-compare]', setup);
})();
