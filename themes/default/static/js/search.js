/*
 * parkpress default theme: site search, on the search page (search.html).
 * Plain ES5, no library, one request: the index of the page's language
 * (search-index.<lang>.json at the site root, written by `parkpress build`).
 *
 * Markup (everything the script needs is on the container):
 *   <div data-search data-index="/search-index.zh.json" data-count="{n} results" …
 *        data-kind-park="Park" …>
 *     <form><input name="q" data-search-input></form>
 *     <p data-search-status></p>
 *     <ol data-search-results></ol>
 *   </div>
 *
 * The index holds entries {kind, title, url, park?, text}. The browser builds the postings
 * itself: Chinese (and other scripts written without spaces) by character bigrams plus single
 * characters, so a one-character query works too; other scripts by words, lower-cased and
 * without accents (NFKD), so "cafe" finds "Café" and "ＣＯＬＤ" finds "cold". A query matches
 * an entry that has every bigram (or character) of its Chinese part and a word starting with
 * each of its words. Results show as you type; the query is kept in the address (?q=…) so a
 * search can be shared, other parameters (utm_…) are kept.
 */
(function () {
  'use strict';

  var MAX_RESULTS = 50;
  var SNIPPET_CHARS = 110;
  var CJK = '\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff';
  var TOKEN = new RegExp('[' + CJK + ']+|[0-9a-z\u00df-\u024f\u0370-\u03ff\u0400-\u04ff]+', 'g');
  var IS_CJK = new RegExp('^[' + CJK + ']');
  var WORD_CHAR = /[0-9a-z\u00df-\u024f\u0370-\u03ff\u0400-\u04ff]/;
  var MARKS = /[\u0300-\u036f]/g;
  var CHARS = /[\ud800-\udbff][\udc00-\udfff]|[\s\S]/g;
  // Words a query may contain that say nothing about what is sought.
  var STOP = ' a an and are at by for from in is of on or the to with ';
  var KIND_WEIGHT = { park: 4, policy: 3, factor: 3, tenant: 2, page: 1, news: 0 };

  function normalize(text) {
    var s = String(text || '');
    if (s.normalize) {
      s = s.normalize('NFKD').replace(MARKS, '');
    }
    return s.toLowerCase();
  }

  /* Calls fn with every index token of normalized text: each character and bigram of a CJK run,
     each word of other scripts. */
  function eachToken(norm, fn) {
    var runs = norm.match(TOKEN) || [];
    for (var r = 0; r < runs.length; r++) {
      var run = runs[r];
      if (IS_CJK.test(run)) {
        for (var i = 0; i < run.length; i++) {
          fn(run.charAt(i));
          if (i + 1 < run.length) {
            fn(run.substr(i, 2));
          }
        }
      } else {
        fn(run);
      }
    }
  }

  function Index(entries) {
    var postings = {};
    this.entries = entries;
    this.norm = [];
    for (var i = 0; i < entries.length; i++) {
      var e = entries[i];
      var n = {
        title: normalize(e.title),
        park: normalize(e.park),
        text: normalize(e.text)
      };
      this.norm.push(n);
      // Newlines keep the fields apart, so no bigram spans two of them.
      eachToken(n.title + '\n' + n.park + '\n' + n.text, function (token) {
        var key = ' ' + token;
        var list = postings[key];
        if (!list) {
          postings[key] = [i];
        } else if (list[list.length - 1] !== i) {
          list.push(i);
        }
      });
    }
    this.postings = postings;
    this.words = Object.keys(postings)
      .map(function (key) {
        return key.slice(1);
      })
      .filter(function (token) {
        return !IS_CJK.test(token);
      })
      .sort();
  }

  Index.prototype.list = function (token) {
    return this.postings[' ' + token] || [];
  };

  /* Entries with a word starting with prefix (sorted ids). */
  Index.prototype.prefix = function (prefix) {
    var words = this.words;
    var lo = 0;
    var hi = words.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (words[mid] < prefix) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    var lists = [];
    for (var i = lo; i < words.length && words[i].lastIndexOf(prefix, 0) === 0; i++) {
      lists.push(this.list(words[i]));
    }
    return union(lists);
  };

  function bigrams(run) {
    var out = [];
    for (var i = 0; i + 1 < run.length; i++) {
      out.push(run.substr(i, 2));
    }
    return out;
  }

  function union(lists) {
    if (lists.length === 1) {
      return lists[0];
    }
    var seen = {};
    var out = [];
    lists.forEach(function (list) {
      list.forEach(function (id) {
        if (!seen[id]) {
          seen[id] = true;
          out.push(id);
        }
      });
    });
    return out.sort(function (a, b) {
      return a - b;
    });
  }

  function intersect(a, b) {
    var out = [];
    var i = 0;
    var j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) {
        out.push(a[i]);
        i++;
        j++;
      } else if (a[i] < b[j]) {
        i++;
      } else {
        j++;
      }
    }
    return out;
  }

  /* The query as pieces: CJK runs and words (stop words dropped unless nothing else is left). */
  function pieces(query) {
    var all = normalize(query).match(TOKEN) || [];
    var kept = all.filter(function (p) {
      return IS_CJK.test(p) || STOP.indexOf(' ' + p + ' ') < 0;
    });
    return kept.length ? kept : all;
  }

  Index.prototype.search = function (query) {
    var parts = pieces(query);
    if (!parts.length) {
      return [];
    }
    var self = this;
    var required = [];
    parts.forEach(function (part) {
      if (!IS_CJK.test(part)) {
        required.push(self.prefix(part));
      } else if (part.length === 1) {
        required.push(self.list(part));
      } else {
        bigrams(part).forEach(function (gram) {
          required.push(self.list(gram));
        });
      }
    });
    required.sort(function (a, b) {
      return a.length - b.length;
    });
    var ids = required[0];
    for (var r = 1; r < required.length && ids.length; r++) {
      ids = intersect(ids, required[r]);
    }
    var whole = parts.join(' ');
    var scored = [];
    ids.forEach(function (id) {
      var score = self.score(id, parts, whole);
      if (score > 0) {
        scored.push({ id: id, score: score });
      }
    });
    scored.sort(function (a, b) {
      return b.score - a.score || a.id - b.id;
    });
    return scored;
  };

  /* How well entry id matches, or 0 when only its park's name does: a query for a park finds
     the park, not each of its tenants, policies and factors (which its page lists anyway). */
  Index.prototype.score = function (id, parts, whole) {
    var n = this.norm[id];
    var own = parts.some(function (part) {
      return n.title.indexOf(part) >= 0 || n.text.indexOf(part) >= 0 ||
        IS_CJK.test(part) && bigrams(part).some(function (gram) {
          return n.title.indexOf(gram) >= 0 || n.text.indexOf(gram) >= 0;
        });
    });
    if (!own) {
      return 0;
    }
    var score = 1 + (KIND_WEIGHT[this.entries[id].kind] || 0);
    if (n.title === whole) {
      score += 40;
    } else if (n.title.lastIndexOf(whole, 0) === 0) {
      score += 20;
    }
    parts.forEach(function (part) {
      if (n.title.indexOf(part) >= 0) {
        score += 12;
      } else if (n.text.indexOf(part) >= 0) {
        score += 4;
      } else if (n.park.indexOf(part) >= 0) {
        score += 1;
      }
    });
    return score;
  };

  /* Which characters of text to mark for the query parts: [chars, marked flags]. */
  function marks(text, parts) {
    var chars = String(text || '').match(CHARS) || [];
    var norm = '';
    var owner = [];
    for (var i = 0; i < chars.length; i++) {
      var n = normalize(chars[i]);
      norm += n;
      for (var k = 0; k < n.length; k++) {
        owner.push(i);
      }
    }
    var marked = [];
    var needles = [];
    parts.forEach(function (part) {
      needles.push(part);
      if (IS_CJK.test(part)) {
        needles = needles.concat(bigrams(part));
      }
    });
    needles.forEach(function (needle) {
      var at = norm.indexOf(needle);
      while (at >= 0) {
        var wordStart = IS_CJK.test(needle) || at === 0 || !WORD_CHAR.test(norm.charAt(at - 1));
        if (wordStart) {
          for (var m = at; m < at + needle.length; m++) {
            marked[owner[m]] = true;
          }
        }
        at = norm.indexOf(needle, at + 1);
      }
    });
    return { chars: chars, marked: marked };
  }

  /* Appends chars[from, to) to el, marked runs in <mark>. */
  function appendMarked(el, m, from, to) {
    var run = '';
    var inMark = false;
    function flush() {
      if (!run) {
        return;
      }
      if (inMark) {
        var mark = document.createElement('mark');
        mark.textContent = run;
        el.appendChild(mark);
      } else {
        el.appendChild(document.createTextNode(run));
      }
      run = '';
    }
    for (var i = from; i < to; i++) {
      var on = !!m.marked[i];
      if (on !== inMark) {
        flush();
        inMark = on;
      }
      run += m.chars[i];
    }
    flush();
  }

  /* A window of the text around its first match, with matches marked. */
  function snippet(el, text, parts) {
    var m = marks(text, parts);
    var length = m.chars.length;
    var first = 0;
    while (first < length && !m.marked[first]) {
      first++;
    }
    if (first === length) {
      first = 0;
    }
    var start = length <= SNIPPET_CHARS ? 0 : Math.max(0, Math.min(first - 24, length - SNIPPET_CHARS));
    var end = Math.min(length, start + SNIPPET_CHARS);
    if (start > 0) {
      el.appendChild(document.createTextNode('…'));
    }
    appendMarked(el, m, start, end);
    if (end < length) {
      el.appendChild(document.createTextNode('…'));
    }
  }


  function setup(box) {
    var input = box.querySelector('[data-search-input]');
    var status = box.querySelector('[data-search-status]');
    var list = box.querySelector('[data-search-results]');
    var form = input && input.form;
    if (!input || !status || !list) {
      return;
    }
    var attr = function (name) {
      return box.getAttribute('data-' + name) || '';
    };
    var index = null;
    var failed = false;
    var timer = null;
    var composing = false;
    var shownQuery = null;

    var initial = new URLSearchParams(window.location.search).get('q');
    if (initial !== null) {
      input.value = initial;
    }

    function setStatus(text) {
      status.textContent = text;
    }

    function render() {
      var query = input.value;
      if (query === shownQuery) {
        return;
      }
      if (!query.replace(/\s+/g, '')) {
        shownQuery = query;
        list.textContent = '';
        setStatus(attr('hint'));
        return;
      }
      if (failed) {
        setStatus(attr('error'));
        return;
      }
      if (!index) {
        setStatus(attr('loading'));
        return;
      }
      shownQuery = query;
      var parts = pieces(query);
      var results = index.search(query);
      list.textContent = '';
      var fragment = document.createDocumentFragment();
      results.slice(0, MAX_RESULTS).forEach(function (result) {
        fragment.appendChild(item(index.entries[result.id], parts));
      });
      list.appendChild(fragment);
      var n = String(results.length);
      if (!results.length) {
        setStatus(attr('empty').replace('{q}', query.replace(/^\s+|\s+$/g, '')));
      } else if (results.length === 1) {
        setStatus(attr('count-one'));
      } else if (results.length > MAX_RESULTS) {
        setStatus(attr('more').replace('{n}', n).replace('{shown}', String(MAX_RESULTS)));
      } else {
        setStatus(attr('count').replace('{n}', n));
      }
    }

    function item(entry, parts) {
      var li = document.createElement('li');
      li.className = 'search-result search-result-' + entry.kind;
      var meta = document.createElement('p');
      meta.className = 'search-result-meta';
      var kind = document.createElement('span');
      kind.className = 'search-kind';
      kind.textContent = attr('kind-' + entry.kind) || entry.kind;
      meta.appendChild(kind);
      if (entry.park) {
        var park = document.createElement('span');
        park.className = 'search-park';
        park.textContent = entry.park;
        meta.appendChild(park);
      }
      li.appendChild(meta);
      var title = document.createElement('h2');
      title.className = 'search-result-title';
      var link = document.createElement('a');
      link.href = entry.url;
      var m = marks(entry.title, parts);
      appendMarked(link, m, 0, m.chars.length);
      title.appendChild(link);
      li.appendChild(title);
      if (entry.text) {
        var text = document.createElement('p');
        text.className = 'search-snippet';
        snippet(text, entry.text, parts);
        li.appendChild(text);
      }
      return li;
    }

    function writeUrl() {
      if (!window.history || !window.history.replaceState) {
        return;
      }
      var kept = new URLSearchParams(window.location.search);
      if (input.value) {
        kept.set('q', input.value);
      } else {
        kept.delete('q');
      }
      var query = kept.toString();
      window.history.replaceState(
        window.history.state,
        '',
        window.location.pathname + (query ? '?' + query : '') + window.location.hash
      );
    }

    function schedule() {
      if (composing) {
        return;
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        render();
        writeUrl();
      }, 80);
    }

    input.addEventListener('input', schedule);
    // Chinese input methods send input events for the pinyin being composed: wait for the
    // characters.
    input.addEventListener('compositionstart', function () {
      composing = true;
    });
    input.addEventListener('compositionend', function () {
      composing = false;
      schedule();
    });
    if (form) {
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        window.clearTimeout(timer);
        render();
        writeUrl();
      });
    }

    var request = new XMLHttpRequest();
    request.open('GET', attr('index'));
    request.onload = function () {
      if (request.status >= 200 && request.status < 300 || request.status === 0) {
        try {
          index = new Index(JSON.parse(request.responseText).entries || []);
        } catch (e) {
          failed = true;
        }
      } else {
        failed = true;
      }
      shownQuery = null;
      render();
    };
    request.onerror = function () {
      failed = true;
      shownQuery = null;
      render();
    };
    request.send();

    render();
    if (!input.value) {
      input.focus();
    }
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-search]'), setup);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
