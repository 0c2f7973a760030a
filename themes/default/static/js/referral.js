/*
 * parkpress default theme: remembers, for this visit, the audience a tracked link came from
 * (?utm_source=…), so an enquiry sent from another page is still credited to it.
 * Plain ES5, no requests; kept in sessionStorage (cleared when the tab closes).
 */
(function () {
  'use strict';
  try {
    var source = new URLSearchParams(window.location.search).get('utm_source');
    if (source && /^[a-z0-9][a-z0-9-]{0,63}$/.test(source)) {
      window.sessionStorage.setItem('parkpress.audience', source);
    }
  } catch (e) {
    // Storage may be disabled (private mode); the enquiry then carries no audience.
  }
})();
