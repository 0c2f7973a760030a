/*
 * parkpress default theme: what the list filters and the investor tools share, as
 * window.parkpress. Plain ES5, no requests. Loaded with `defer` before the page's own script.
 */
(function () {
  'use strict';

  var pp = window.parkpress || (window.parkpress = {});

  pp.forEach = function (list, fn) {
    Array.prototype.forEach.call(list, fn);
  };

  /* A finite number, or null for an empty or unreadable field. */
  pp.number = function (text) {
    var value = parseFloat(text);
    return isFinite(value) ? value : null;
  };

  /* The words of a space-separated attribute value. */
  pp.tokens = function (text) {
    return (text || '').split(/\s+/).filter(function (s) {
      return s.length > 0;
    });
  };

  /* Runs setup(element) for every element matching selector, once the document is read. */
  pp.each = function (selector, setup) {
    function init() {
      pp.forEach(document.querySelectorAll(selector), setup);
    }
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', init);
    } else {
      init();
    }
  };

  /* "Showing {n} of {total}" in count, and the empty note shown when nothing matches. */
  pp.showCount = function (count, empty, template, shown, total) {
    if (count) {
      count.textContent = template.replace('{n}', String(shown)).replace('{total}', String(total));
    }
    if (empty) {
      empty.hidden = shown > 0;
    }
  };

  /* Writes the fields' values into the address, so the view can be shared; other parameters
   * (utm_… of tracked links) are kept as they came. */
  pp.keepInAddress = function (fields) {
    if (!window.history || !window.history.replaceState) {
      return;
    }
    var kept = new URLSearchParams(window.location.search);
    pp.forEach(fields, function (field) {
      if (field.value) {
        kept.set(field.name, field.value);
      } else {
        kept.delete(field.name);
      }
    });
    var query = kept.toString();
    window.history.replaceState(
      window.history.state,
      '',
      window.location.pathname + (query ? '?' + query : '') + window.location.hash
    );
  };

  /* Chooses in each select the option the address names (?kind=factory), when it has one. */
  pp.readSelects = function (selects, params) {
    pp.forEach(selects, function (select) {
      var wanted = params.get(select.name);
      if (wanted === null) {
        return;
      }
      for (var i = 0; i < select.options.length; i++) {
        if (select.options[i].value === wanted) {
          select.value = wanted;
          return;
        }
      }
    });
  };

  /* A form that filters a list: the space finder (name `space`) and the policy finder (`finder`).
   * Within box: the form [data-NAME-form], its fields named in `fields` (selects and number
   * inputs), the items matching the selector `items`, the count [data-NAME-count] and the empty
   * note [data-NAME-empty]. Fills the fields from the address, then, now and at every change,
   * hides the items that the function matcher(form.elements) returns does not keep, shows the
   * count and the empty note, and after a change writes the fields into the address. */
  pp.filterForm = function (box, name, items, fields, matcher) {
    var form = box.querySelector('[data-' + name + '-form]');
    var list = box.querySelectorAll(items);
    var count = box.querySelector('[data-' + name + '-count]');
    var empty = box.querySelector('[data-' + name + '-empty]');
    var template = box.getAttribute('data-count-template') || '{n} / {total}';
    var inputs = fields.map(function (field) {
      return form.elements[field];
    });
    var selects = inputs.filter(function (input) {
      return input.tagName === 'SELECT';
    });
    var params = new URLSearchParams(window.location.search);
    pp.readSelects(selects, params);
    pp.readNumbers(inputs.filter(function (input) {
      return selects.indexOf(input) < 0;
    }), params);

    function apply(updateUrl) {
      var match = matcher(form.elements);
      var shown = 0;
      pp.forEach(list, function (item) {
        item.hidden = !match(item);
        if (!item.hidden) {
          shown += 1;
        }
      });
      pp.showCount(count, empty, template, shown, list.length);
      if (updateUrl) {
        pp.keepInAddress(inputs);
      }
    }

    inputs.forEach(function (input) {
      input.addEventListener(input.tagName === 'SELECT' ? 'change' : 'input', function () {
        apply(true);
      });
    });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      apply(true);
    });
    apply(false);
  };

  /* Fills number fields from the address (?min_area_m2=5000): values of zero or more only. */
  pp.readNumbers = function (fields, params) {
    pp.forEach(fields, function (field) {
      var value = pp.number(params.get(field.name));
      if (value !== null && value >= 0) {
        field.value = String(value);
      }
    });
  };
})();
