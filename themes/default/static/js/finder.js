/*
 * parkpress default theme: the policy finder. Reads ?industry=KEY&company=new|existing&
 * investment_yuan=N into the form and shows only the policies whose structured eligibility
 * matches (data-industries, data-company: space-separated, empty = any; data-min-investment-yuan:
 * a threshold, checked when an investment is given). Plain ES5, no library, no requests.
 */
(function () {
  'use strict';

  function forEach(list, fn) {
    Array.prototype.forEach.call(list, fn);
  }

  function tokens(text) {
    return (text || '').split(/\s+/).filter(function (s) {
      return s.length > 0;
    });
  }

  function allows(list, value) {
    return !value || list.length === 0 || list.indexOf(value) >= 0;
  }

  function setup(box) {
    var form = box.querySelector('[data-finder-form]');
    var industry = form.elements.industry;
    var company = form.elements.company;
    var investment = form.elements.investment_yuan;
    var items = box.querySelectorAll('[data-policy]');
    var count = box.querySelector('[data-finder-count]');
    var empty = box.querySelector('[data-finder-empty]');
    var template = box.getAttribute('data-count-template') || '{n} / {total}';

    var params = new URLSearchParams(window.location.search);
    [industry, company].forEach(function (select) {
      var wanted = params.get(select.name);
      if (wanted !== null && select.querySelector('option[value="' + wanted.replace(/["\\]/g, '') + '"]')) {
        select.value = wanted;
      }
    });
    var planned = parseFloat(params.get('investment_yuan'));
    if (isFinite(planned) && planned >= 0) {
      investment.value = String(planned);
    }

    function apply(updateUrl) {
      var amount = parseFloat(investment.value);
      var hasAmount = isFinite(amount) && amount >= 0 && investment.value !== '';
      var shown = 0;
      forEach(items, function (item) {
        var min = parseFloat(item.getAttribute('data-min-investment-yuan'));
        var match = allows(tokens(item.getAttribute('data-industries')), industry.value) &&
          allows(tokens(item.getAttribute('data-company')), company.value) &&
          (!hasAmount || !isFinite(min) || amount >= min);
        item.hidden = !match;
        if (match) {
          shown += 1;
        }
      });
      if (count) {
        count.textContent = template.replace('{n}', String(shown)).replace('{total}', String(items.length));
      }
      if (empty) {
        empty.hidden = shown > 0;
      }
      if (updateUrl && window.history && window.history.replaceState) {
        var kept = new URLSearchParams(window.location.search);
        [industry, company, investment].forEach(function (field) {
          if (field.value) {
            kept.set(field.name, field.value);
          } else {
            kept.delete(field.name);
          }
        });
        var query = kept.toString();
        window.history.replaceState(window.history.state, '', window.location.pathname + (query ? '?' + query : '') + window.location.hash);
      }
    }

    [industry, company].forEach(function (select) {
      select.addEventListener('change', function () {
        apply(true);
      });
    });
    investment.addEventListener('input', function () {
      apply(true);
    });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      apply(true);
    });
    apply(false);
  }

  function init() {
    forEach(document.querySelectorAll('[data-finder]'), setup);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
