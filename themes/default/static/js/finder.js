/*
 * parkpress default theme: the policy finder. Reads ?industry=KEY&company=new|existing&
 * investment_yuan=N into the form and shows only the policies whose structured eligibility
 * matches (data-industries, data-company: space-separated, empty = any; data-min-investment-yuan:
 * a threshold, checked when an investment is given). Plain ES5, no library, no requests.
 */
(function () {
  'use strict';

  var pp = window.parkpress;
  var tokens = pp.tokens;

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
    pp.readSelects([industry, company], params);
    pp.readNumbers([investment], params);

    function apply(updateUrl) {
      var amount = parseFloat(investment.value);
      var hasAmount = isFinite(amount) && amount >= 0 && investment.value !== '';
      var shown = 0;
      pp.forEach(items, function (item) {
        var min = parseFloat(item.getAttribute('data-min-investment-yuan'));
        var match = allows(tokens(item.getAttribute('data-industries')), industry.value) &&
          allows(tokens(item.getAttribute('data-company')), company.value) &&
          (!hasAmount || !isFinite(min) || amount >= min);
        item.hidden = !match;
        if (match) {
          shown += 1;
        }
      });
      pp.showCount(count, empty, template, shown, items.length);
      if (updateUrl) {
        pp.keepInAddress([industry, company, investment]);
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

  pp.each('[data-finder]', setup);
})();
