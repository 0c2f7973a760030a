/*
 * parkpress default theme: the cost estimator. Multiplies the monthly quantities of the form
 * (filled from the query string, ?power_kwh=…&water_t=…&gas_m3=…&steam_t=…&rent_m2=…&land_mu=…)
 * by each park's prices, read from data-price-<item> on its result row, and writes
 *   data-annual-yuan="N"  12 × the monthly running cost, plain yuan, when every price it needs is known
 *   data-land-yuan="N"    the one-off land cost, when known
 *   data-missing="a,b"    the items a park lists no price for (shown as "ask us")
 * plus a bar chart as inline SVG. Plain ES5, no library, no requests.
 */
(function () {
  'use strict';

  var SVG = 'http://www.w3.org/2000/svg';
  var pp = window.parkpress;
  var forEach = pp.forEach;

  function quantity(input) {
    var value = parseFloat(input.value);
    return isFinite(value) && value > 0 ? value : 0;
  }

  function setup(box) {
    var form = box.querySelector('[data-costs-form]');
    var results = box.querySelector('[data-costs-results]');
    var chart = box.querySelector('[data-costs-chart]');
    var summary = box.querySelector('[data-costs-summary]');
    var inputs = form.querySelectorAll('input[name]');
    var rows = box.querySelectorAll('tr[data-park]');
    var lang = box.getAttribute('data-lang') || document.documentElement.lang;
    var yuan = box.getAttribute('data-yuan') || '';
    var ask = box.getAttribute('data-ask') || '?';
    var missingTemplate = box.getAttribute('data-missing-template') || '{items}';
    var format = window.Intl && Intl.NumberFormat ? new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }) : null;

    function money(n) {
      var text = format ? format.format(n) : String(Math.round(n));
      return /^[\u2E80-\u9FFF]/.test(yuan) ? text + yuan : text + ' ' + yuan;
    }

    var params = new URLSearchParams(window.location.search);
    var given = false;
    forEach(inputs, function (input) {
      if (params.has(input.name)) {
        given = true;
      }
    });
    if (given) {
      // A shared estimate: what it leaves out is zero, not the example.
      forEach(inputs, function (input) {
        var value = parseFloat(params.get(input.name));
        input.value = isFinite(value) && value >= 0 ? String(value) : '0';
      });
    }

    function label(item) {
      return box.getAttribute('data-label-' + item) || item;
    }

    function compute() {
      var totals = [];
      forEach(rows, function (row) {
        var monthly = 0;
        var land = 0;
        var missing = [];
        var runningMissing = false;
        forEach(inputs, function (input) {
          var q = quantity(input);
          if (q === 0) {
            return;
          }
          var once = input.hasAttribute('data-once');
          (input.getAttribute('data-items') || '').split(' ').forEach(function (item) {
            if (!item) {
              return;
            }
            var price = row.getAttribute('data-price-' + item);
            if (price === null) {
              missing.push(item);
              if (!once) {
                runningMissing = true;
              }
            } else if (once) {
              land += q * parseFloat(price);
            } else {
              monthly += q * parseFloat(price);
            }
          });
        });
        var landMissing = missing.indexOf('land') >= 0;
        var annual = Math.round(monthly * 12);
        var cells = {};
        forEach(row.querySelectorAll('[data-cell]'), function (cell) {
          cells[cell.getAttribute('data-cell')] = cell;
        });
        if (runningMissing) {
          row.removeAttribute('data-annual-yuan');
          cells.annual.textContent = ask;
        } else {
          row.setAttribute('data-annual-yuan', String(annual));
          cells.annual.textContent = money(annual);
          totals.push({ name: row.getAttribute('data-name'), yuan: annual });
        }
        if (landMissing) {
          row.removeAttribute('data-land-yuan');
          cells.land.textContent = ask;
        } else {
          row.setAttribute('data-land-yuan', String(Math.round(land)));
          cells.land.textContent = money(Math.round(land));
        }
        var link = cells.missing.querySelector('a');
        var none = cells.missing.querySelector('[data-none]');
        if (missing.length) {
          row.setAttribute('data-missing', missing.join(','));
          link.textContent = missingTemplate.replace('{items}', missing.map(label).join(' · '));
        } else {
          row.removeAttribute('data-missing');
        }
        link.hidden = missing.length === 0;
        none.hidden = missing.length > 0;
      });
      drawChart(totals);
      if (summary) {
        summary.textContent = totals.length ? '' : ask;
        summary.hidden = totals.length > 0;
      }
    }

    function drawChart(totals) {
      var old = chart.querySelector('svg');
      if (old) {
        chart.removeChild(old);
      }
      chart.hidden = totals.length === 0;
      if (!totals.length) {
        return;
      }
      var max = Math.max.apply(null, totals.map(function (t) { return t.yuan; })) || 1;
      var bar = 22;
      var gap = 30;
      // One SVG unit per CSS pixel, so labels stay readable on a phone.
      var width = Math.max(240, Math.round(chart.clientWidth || 600));
      var height = totals.length * (bar + gap) + 4;
      var svg = document.createElementNS(SVG, 'svg');
      svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
      svg.setAttribute('width', '100%');
      svg.setAttribute('role', 'img');
      svg.setAttribute('aria-label', chart.querySelector('figcaption').textContent);
      // The amount sits after its bar: bars get the width the longest amount leaves.
      var room = 8 + 9 * Math.max.apply(null, totals.map(function (t) { return money(t.yuan).length; }));
      var names = [];
      totals.forEach(function (t, i) {
        var y = i * (bar + gap);
        var name = document.createElementNS(SVG, 'text');
        name.setAttribute('x', '0');
        name.setAttribute('y', String(y + 13));
        name.setAttribute('class', 'chart-label');
        name.textContent = t.name;
        var full = document.createElementNS(SVG, 'title');
        full.textContent = t.name + ' ' + money(t.yuan);
        var length = Math.max(2, (t.yuan / max) * Math.max(40, width - room));
        var rect = document.createElementNS(SVG, 'rect');
        rect.setAttribute('x', '0');
        rect.setAttribute('y', String(y + 18));
        rect.setAttribute('height', String(bar));
        rect.setAttribute('rx', '3');
        rect.setAttribute('width', String(length));
        rect.setAttribute('class', 'chart-bar');
        rect.appendChild(full);
        var amount = document.createElementNS(SVG, 'text');
        amount.setAttribute('x', String(length + 6));
        amount.setAttribute('y', String(y + 18 + bar - 6));
        amount.setAttribute('class', 'chart-amount');
        amount.textContent = money(t.yuan);
        svg.appendChild(name);
        svg.appendChild(rect);
        svg.appendChild(amount);
        names.push(name);
      });
      chart.appendChild(svg);
      // A long park name is shortened to the chart's width (the table below has it in full).
      names.forEach(function (name) {
        var text = name.textContent;
        while (name.getComputedTextLength && name.getComputedTextLength() > width && text.length > 2) {
          text = text.slice(0, -1);
          name.textContent = text + '…';
        }
      });
    }

    function share() {
      if (!window.history || !window.history.replaceState) {
        return;
      }
      var kept = new URLSearchParams(window.location.search);
      forEach(inputs, function (input) {
        kept.set(input.name, String(quantity(input)));
      });
      window.history.replaceState(window.history.state, '', window.location.pathname + '?' + kept.toString() + window.location.hash);
    }

    forEach(inputs, function (input) {
      input.addEventListener('input', function () {
        compute();
        share();
      });
    });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      compute();
      share();
      results.focus();
    });
    results.hidden = false;
    results.setAttribute('tabindex', '-1');
    compute();
  }

  pp.each('[data-costs]', setup);
})();
