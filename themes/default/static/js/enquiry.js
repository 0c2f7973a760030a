/*
 * parkpress default theme: the enquiry form. Chooses the park from ?park=, fills the hidden
 * `audience` from the utm_source this visit arrived with (see referral.js), then on submit
 *   - with data-endpoint: POSTs the fields as application/x-www-form-urlencoded and thanks;
 *   - without: builds a pre-filled mailto: link and the same text to copy into WeChat.
 * Without JavaScript the form posts (or opens the mail client) by itself. Plain ES5.
 */
(function () {
  'use strict';

  var pp = window.parkpress;
  var FIELDS = ['name', 'company', 'phone', 'email', 'wechat', 'park', 'message', 'audience'];

  function audience() {
    var source = new URLSearchParams(window.location.search).get('utm_source');
    if (source && /^[a-z0-9][a-z0-9-]{0,63}$/.test(source)) {
      return source;
    }
    try {
      return window.sessionStorage.getItem('parkpress.audience') || '';
    } catch (e) {
      return '';
    }
  }

  function labelOf(form, name) {
    var field = form.elements[name];
    var label = field && field.id ? form.querySelector('label[for="' + field.id + '"]') : null;
    if (!label) {
      return name;
    }
    var text = label.firstChild && label.firstChild.nodeType === 3 ? label.firstChild.nodeValue : label.textContent;
    return text.trim();
  }

  function setup(form) {
    var endpoint = form.getAttribute('data-endpoint');
    var email = form.getAttribute('data-email');
    var thanks = document.querySelector('[data-enquiry-thanks]');
    var mail = document.querySelector('[data-enquiry-mail]');
    var error = form.querySelector('[data-enquiry-error]');
    var park = form.elements.park;
    pp.readSelects([park], new URLSearchParams(window.location.search));
    form.elements.audience.value = audience();

    function text() {
      var lines = [];
      FIELDS.forEach(function (name) {
        var field = form.elements[name];
        if (!field || !field.value) {
          return;
        }
        if (name === 'audience') {
          // Credits the chamber or fair the visitor came from, as the endpoint's field does.
          lines.push('audience: ' + field.value);
          return;
        }
        var value = name === 'park' ? field.options[field.selectedIndex].text : field.value;
        lines.push(labelOf(form, name) + ': ' + value);
      });
      return lines.join('\n');
    }

    function show(panel) {
      form.hidden = true;
      panel.hidden = false;
      panel.focus();
    }

    form.addEventListener('submit', function (event) {
      if (!form.checkValidity()) {
        return;
      }
      event.preventDefault();
      error.hidden = true;
      if (endpoint) {
        var body = new URLSearchParams();
        FIELDS.forEach(function (name) {
          body.append(name, form.elements[name].value);
        });
        body.append('consent', form.elements.consent.checked ? 'yes' : 'no');
        // A simple cross-origin POST: the zone's form service need not answer CORS.
        window.fetch(endpoint, {
          method: 'POST',
          mode: 'no-cors',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: body.toString()
        }).then(function () {
          show(thanks);
        }, function () {
          error.hidden = false;
        });
        return;
      }
      var message = text();
      var link = mail.querySelector('[data-enquiry-mailto]');
      link.href = 'mailto:' + (email || '') +
        '?subject=' + encodeURIComponent(form.getAttribute('data-subject') || '') +
        '&body=' + encodeURIComponent(message);
      mail.querySelector('[data-enquiry-text]').textContent = message;
      show(mail);
    });

    var copy = mail && mail.querySelector('[data-enquiry-copy]');
    if (copy) {
      copy.addEventListener('click', function () {
        var message = mail.querySelector('[data-enquiry-text]').textContent;
        var done = function () {
          mail.querySelector('[data-enquiry-copied]').hidden = false;
        };
        // In-app browsers (WeChat) may lack the Clipboard API or refuse it: then the text is
        // selected and copied the old way, and stays selected for a long press if that fails too.
        var select = function () {
          var range = document.createRange();
          range.selectNodeContents(mail.querySelector('[data-enquiry-text]'));
          window.getSelection().removeAllRanges();
          window.getSelection().addRange(range);
          if (document.execCommand && document.execCommand('copy')) {
            done();
          }
        };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(message).then(done, select);
        } else {
          select();
        }
      });
    }
  }

  pp.each('[data-enquiry]', setup);
})();
