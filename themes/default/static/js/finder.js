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
    var fields = ['industry', 'company', 'investment_yuan'];
    pp.filterForm(box, 'finder', '[data-policy]', fields, function (f) {
      var amount = parseFloat(f.investment_yuan.value);
      var hasAmount = isFinite(amount) && amount >= 0 && f.investment_yuan.value !== '';
      return function (item) {
        var min = parseFloat(item.getAttribute('data-min-investment-yuan'));
        return allows(tokens(item.getAttribute('data-industries')), f.industry.value) &&
          allows(tokens(item.getAttribute('data-company')), f.company.value) &&
          (!hasAmount || !isFinite(min) || amount >= min);
      };
    });
  }

  pp.each('[data-finder]', setup);
})();
