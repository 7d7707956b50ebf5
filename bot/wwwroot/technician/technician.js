// SupportBot technician console: the queue, one ticket, and claim / reply / end chat / resolve through
// /api/technician. No build step, no frameworks. Ticket data is written employees and bots: it only ever goes into
// the page with textContent (never innerHTML), so HTML or script in a ticket shows as text.
(function () {
  'use strict';

  var API = '../api/technician';
  var REFRESH_MS = 10000;
  var REQUEST_TIMEOUT_MS = 20000;
  var SEARCH_DELAY_MS = 300;
  var MAX_TEXT = 4000;

  var PRIORITY_CLASS = { Critical: 'badge--critical', High: 'badge--high', Medium: 'badge--medium', Low: 'badge--low' };
  var STATE_CLASS = { New: 'badge--new', Claimed: 'badge--claimed', Resolved: 'badge--resolved' };
  var SPEAKER_LABEL = { User: 'Employee', Bot: 'Bot', Technician: 'Technician' };

  function byId(id) {
    return document.getElementById(id);
  }

  var el = {
    meName: byId('me-name'),
    logoutToken: byId('logout-token'),
    filters: byId('filters'),
    state: byId('filter-state'),
    priority: byId('filter-priority'),
    category: byId('filter-category'),
    categoryList: byId('filter-category-list'),
    assigned: byId('filter-assigned'),
    search: byId('filter-search'),
    refresh: byId('queue-refresh'),
    queueStatus: byId('queue-status'),
    queueError: byId('queue-error'),
    queueBody: byId('queue-body'),
    queueEmpty: byId('queue-empty'),
    placeholder: byId('detail-placeholder'),
    detail: byId('detail-body'),
    heading: byId('detail-heading'),
    number: byId('detail-number'),
    title: byId('detail-title'),
    stateBadge: byId('detail-state'),
    priorityBadge: byId('detail-priority'),
    relayBadge: byId('detail-relay'),
    detailError: byId('detail-error'),
    detailNotice: byId('detail-notice'),
    claim: byId('action-claim'),
    endRelay: byId('action-end-relay'),
    replyForm: byId('reply-form'),
    replyText: byId('reply-text'),
    reply: byId('action-reply'),
    resolveForm: byId('resolve-form'),
    resolveNote: byId('resolve-note'),
    resolve: byId('action-resolve'),
    summary: byId('detail-summary'),
    description: byId('detail-description'),
    transcript: byId('detail-transcript'),
    transcriptNone: byId('detail-transcript-none'),
    articles: byId('detail-articles'),
    articlesNone: byId('detail-articles-none'),
    actions: byId('detail-actions'),
    actionsNone: byId('detail-actions-none'),
    messages: byId('detail-messages'),
    messagesNone: byId('detail-messages-none')
  };

  var session = null; // { technician: { userName, displayName }, antiforgery: { headerName, token } }
  var selected = null; // the ticket number shown in the detail
  var current = null; // the ticket shown
  var busy = false; // a change is being sent
  var queueLoading = false;
  var detailLoading = false;
  var searchTimer = null;

  // ---- talking to the API ------------------------------------------------------------------------------------

  function signInAgain() {
    window.location.assign('login?returnUrl=' + encodeURIComponent(window.location.pathname));
  }

  // Resolves with { status, body }; rejects with an Error whose message is fit to show (the API's problem details).
  function api(path, options) {
    var controller = typeof AbortController === 'function' ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS) : null;
    var init = Object.assign({ credentials: 'same-origin', cache: 'no-store' }, options || {});
    init.headers = Object.assign({ Accept: 'application/json' }, init.headers || {});
    if (controller) {
      init.signal = controller.signal;
    }

    return fetch(API + path, init).then(function (response) {
      if (response.status === 401) {
        signInAgain();
        throw new Error('Your session has ended: signing in again…');
      }
      return response.json().catch(function () { return null; }).then(function (body) {
        if (!response.ok) {
          var title = body && typeof body.title === 'string' ? body.title : 'The request failed.';
          var detail = body && typeof body.detail === 'string' ? ' ' + body.detail : '';
          var error = new Error(title + detail + ' (HTTP ' + response.status + ')');
          error.status = response.status;
          error.code = body && body.code;
          throw error;
        }
        return { status: response.status, body: body };
      });
    }, function (err) {
      throw new Error('The help desk could not be reached' + (err && err.name === 'AbortError' ? ' (timed out).' : '.'));
    }).finally(function () {
      if (timer) {
        clearTimeout(timer);
      }
    });
  }

  function post(path, body) {
    var headers = { 'Content-Type': 'application/json' };
    if (session && session.antiforgery && session.antiforgery.headerName) {
      headers[session.antiforgery.headerName] = session.antiforgery.token;
    }
    return api(path, { method: 'POST', headers: headers, body: JSON.stringify(body || {}) });
  }

  function ticketPath(number) {
    return '/tickets/' + encodeURIComponent(number);
  }

  // ---- small helpers -----------------------------------------------------------------------------------------

  var dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  var timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

  function text(value) {
    return typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
  }

  function make(tag, className, content) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (content !== undefined && content !== null) {
      node.textContent = text(content);
    }
    return node;
  }

  function timeElement(iso) {
    var node = make('time');
    var date = iso ? new Date(iso) : null;
    if (date && !isNaN(date.getTime())) {
      node.setAttribute('datetime', date.toISOString());
      node.textContent = dateFormat.format(date);
    }
    return node;
  }

  function badge(node, value, classes) {
    node.className = 'badge ' + (classes[value] || '');
    node.textContent = text(value);
  }

  function show(node, message) {
    node.textContent = text(message);
    node.hidden = !message;
  }

  function technicianName(technician) {
    return technician ? text(technician.displayName) + ' (' + text(technician.userName) + ')' : '';
  }

  function fill(list, none, items, render) {
    list.textContent = '';
    (items || []).forEach(function (item) {
      list.appendChild(render(item));
    });
    list.hidden = !list.children.length;
    none.hidden = !!list.children.length;
  }

  function setFact(id, value) {
    var node = byId('fact-' + id);
    var item = byId('fact-' + id + '-item');
    node.textContent = '';
    if (value instanceof Node) {
      node.appendChild(value);
    } else {
      node.textContent = text(value);
    }
    if (item) {
      item.hidden = !node.textContent;
    }
  }

  // ---- the queue ---------------------------------------------------------------------------------------------

  function filterQuery() {
    var params = new URLSearchParams();
    params.set('state', el.state.value);
    params.set('priority', el.priority.value);
    params.set('assigned', el.assigned.value);
    if (el.category.value.trim()) {
      params.set('category', el.category.value.trim());
    }
    if (el.search.value.trim()) {
      params.set('q', el.search.value.trim());
    }
    return params.toString();
  }

  function loadQueue() {
    if (queueLoading || !session) {
      return Promise.resolve();
    }
    queueLoading = true;
    el.refresh.disabled = true;
    return api('/tickets?' + filterQuery())
      .then(function (result) {
        renderQueue(Array.isArray(result.body) ? result.body : []);
        show(el.queueError, '');
        el.queueStatus.textContent = 'Updated ' + timeFormat.format(new Date()) + '.';
      })
      .catch(function (err) {
        show(el.queueError, 'The queue could not be loaded: ' + err.message);
        el.queueStatus.textContent = '';
      })
      .finally(function () {
        queueLoading = false;
        el.refresh.disabled = false;
      });
  }

  function renderQueue(tickets) {
    // Keep the keyboard focus on the same ticket across a refresh.
    var focused = document.activeElement && el.queueBody.contains(document.activeElement)
      ? document.activeElement.getAttribute('data-number')
      : null;

    el.queueBody.textContent = '';
    var categories = {};
    tickets.forEach(function (ticket) {
      var row = make('tr', 'queue-row');
      if (ticket.number === selected) {
        row.classList.add('queue-row--selected');
      }

      var link = make('a', 'queue-row__link', ticket.number);
      link.setAttribute('href', '#ticket=' + encodeURIComponent(ticket.number));
      link.setAttribute('data-number', ticket.number);
      if (ticket.number === selected) {
        link.setAttribute('aria-current', 'true');
      }
      var numberCell = make('th');
      numberCell.setAttribute('scope', 'row');
      numberCell.appendChild(link);
      row.appendChild(numberCell);

      var priorityCell = make('td');
      var priority = make('span');
      badge(priority, ticket.priority, PRIORITY_CLASS);
      priorityCell.appendChild(priority);
      row.appendChild(priorityCell);

      row.appendChild(make('td', 'queue-row__title', ticket.title));
      row.appendChild(make('td', null, ticket.requester));
      row.appendChild(make('td', null, ticket.category));

      var stateCell = make('td');
      var state = make('span');
      badge(state, ticket.state, STATE_CLASS);
      stateCell.appendChild(state);
      if (ticket.relayOpen) {
        stateCell.appendChild(document.createTextNode(' '));
        stateCell.appendChild(make('span', 'badge badge--live', 'Live'));
      }
      row.appendChild(stateCell);

      row.appendChild(make('td', null, ticket.assignedTo ? ticket.assignedTo.displayName : '—'));
      var created = make('td');
      created.appendChild(timeElement(ticket.createdAt));
      row.appendChild(created);

      // The whole row opens the ticket for a mouse; the link is the keyboard's way in.
      row.addEventListener('click', function (event) {
        if (event.target !== link) {
          link.click();
        }
      });
      el.queueBody.appendChild(row);
      if (ticket.category) {
        categories[ticket.category] = true;
      }
      if (focused && focused === ticket.number) {
        link.focus();
      }
    });

    el.queueEmpty.hidden = tickets.length > 0;
    addCategories(Object.keys(categories));
  }

  // Categories seen so far, offered as suggestions in the category filter.
  function addCategories(names) {
    var known = {};
    Array.prototype.forEach.call(el.categoryList.options, function (option) { known[option.value] = true; });
    names.sort().forEach(function (name) {
      if (!known[name]) {
        var option = document.createElement('option');
        option.value = name;
        el.categoryList.appendChild(option);
      }
    });
  }

  // ---- one ticket --------------------------------------------------------------------------------------------

  function numberFromHash() {
    var match = /^#ticket=(.+)$/.exec(window.location.hash);
    if (!match) {
      return null;
    }
    try {
      return decodeURIComponent(match[1]);
    } catch (e) {
      return null;
    }
  }

  function openFromHash() {
    var number = numberFromHash();
    if (number === selected) {
      return;
    }
    selected = number;
    current = null;
    show(el.detailError, '');
    show(el.detailNotice, '');
    el.replyText.value = '';
    el.resolveNote.value = '';
    markSelectedRow();
    if (!number) {
      el.detail.hidden = true;
      el.placeholder.hidden = false;
      return;
    }
    loadDetail(true);
  }

  function markSelectedRow() {
    Array.prototype.forEach.call(el.queueBody.querySelectorAll('a[data-number]'), function (link) {
      var isSelected = link.getAttribute('data-number') === selected;
      link.closest('tr').classList.toggle('queue-row--selected', isSelected);
      if (isSelected) {
        link.setAttribute('aria-current', 'true');
      } else {
        link.removeAttribute('aria-current');
      }
    });
  }

  function loadDetail(focus) {
    var number = selected;
    if (!number || detailLoading) {
      return Promise.resolve();
    }
    detailLoading = true;
    if (focus) {
      el.placeholder.hidden = true;
      el.detail.hidden = false;
      el.number.textContent = number;
      el.title.textContent = 'Loading…';
    }
    return api(ticketPath(number))
      .then(function (result) {
        if (number === selected) {
          renderDetail(result.body);
          if (focus) {
            el.heading.focus();
          }
        }
      })
      .catch(function (err) {
        if (number !== selected) {
          return;
        }
        if (err.status === 404) {
          current = null;
          el.title.textContent = '';
          renderActions();
        }
        show(el.detailError, err.message);
      })
      .finally(function () {
        detailLoading = false;
      });
  }

  function renderDetail(ticket) {
    current = ticket;
    el.placeholder.hidden = true;
    el.detail.hidden = false;
    el.number.textContent = ticket.number;
    el.title.textContent = ticket.title;
    document.title = ticket.number + ': ' + ticket.title + ' · Technician console';
    badge(el.stateBadge, ticket.state, STATE_CLASS);
    badge(el.priorityBadge, ticket.priority, PRIORITY_CLASS);
    el.relayBadge.hidden = !ticket.relayOpen;

    var requester = ticket.requester || {};
    setFact('requester', requester.displayName);
    setFact('email', requester.email);
    setFact('channel', requester.channel);
    setFact('category', ticket.category);
    setFact('reasons', (ticket.priorityReasons || []).join('; '));
    setFact('assigned', ticket.assignedTo ? technicianName(ticket.assignedTo) : 'Nobody yet');
    setFact('created', timeElement(ticket.createdAt));
    setFact('claimed', ticket.claimedAt ? timeElement(ticket.claimedAt) : '');
    setFact('resolved', ticket.resolvedAt ? timeElement(ticket.resolvedAt) : '');
    setFact('device', ticket.deviceInfo);
    setFact('rating', typeof ticket.rating === 'number' ? ticket.rating + ' of 5' : '');
    setFact('note', ticket.resolutionNote);

    el.summary.textContent = text(ticket.summary);
    el.description.textContent = text(ticket.description);

    fill(el.transcript, el.transcriptNone, ticket.transcript, function (line) {
      return lineItem(line.speaker, SPEAKER_LABEL[line.speaker] || line.speaker, line.text, line.at);
    });
    fill(el.articles, el.articlesNone, ticket.articles, function (article) {
      var item = make('li', 'plain-list__item');
      var verdict = article.helped === true ? ['👍', 'helped'] : article.helped === false ? ['👎', 'did not help'] : ['–', 'no answer'];
      var mark = make('span', 'verdict', verdict[0]);
      mark.setAttribute('aria-hidden', 'true');
      item.appendChild(mark);
      item.appendChild(make('span', null, article.title));
      item.appendChild(make('span', 'plain-list__aside', ' (' + verdict[1] + ')'));
      return item;
    });
    fill(el.actions, el.actionsNone, ticket.actions, function (action) {
      var item = make('li', 'plain-list__item');
      item.appendChild(make('strong', null, action.actionId));
      if (action.target) {
        item.appendChild(make('span', null, ' on ' + action.target));
      }
      item.appendChild(make('span', 'plain-list__aside', ': ' + text(action.outcome)));
      return item;
    });
    fill(el.messages, el.messagesNone, ticket.messages, function (message) {
      return lineItem(message.from, message.author || SPEAKER_LABEL[message.from] || message.from, message.text, message.at);
    });

    renderActions();
  }

  function lineItem(speaker, label, body, at) {
    var item = make('li', 'line line--' + (SPEAKER_LABEL[speaker] ? speaker.toLowerCase() : 'other'));
    var head = make('p', 'line__head');
    head.appendChild(make('span', 'line__speaker', label));
    head.appendChild(document.createTextNode(' '));
    head.appendChild(timeElement(at));
    item.appendChild(head);
    item.appendChild(make('p', 'line__text', body));
    return item;
  }

  function renderActions() {
    var can = (current && current.can) || {};
    var mine = !!(current && current.assignedTo && session &&
      current.assignedTo.userName.toLowerCase() === session.technician.userName.toLowerCase());
    el.claim.textContent = mine && current.state !== 'Resolved' && !current.relayOpen ? 'Reopen chat' : 'Claim';
    el.claim.disabled = busy || !can.claim;
    el.endRelay.disabled = busy || !can.endRelay;
    el.replyText.disabled = !can.reply;
    el.reply.disabled = busy || !can.reply;
    el.resolveNote.disabled = !can.resolve;
    el.resolve.disabled = busy || !can.resolve;
  }

  // ---- changes -----------------------------------------------------------------------------------------------

  function change(path, body, done) {
    if (!current || busy) {
      return;
    }
    var number = current.number;
    busy = true;
    renderActions();
    show(el.detailError, '');
    show(el.detailNotice, '');
    post(ticketPath(number) + path, body)
      .then(function (result) {
        var answer = result.body || {};
        if (number === selected && answer.ticket) {
          renderDetail(answer.ticket);
        }
        var notice = done(answer);
        if (answer.delivered === false) {
          notice += ' ' + text(answer.reason || 'The employee could not be told.');
        }
        show(el.detailNotice, notice);
        loadQueue();
      })
      .catch(function (err) {
        show(el.detailError, err.message);
        if (err.status === 409 || err.status === 404) {
          loadDetail(false);
          loadQueue();
        }
      })
      .finally(function () {
        busy = false;
        renderActions();
      });
  }

  el.claim.addEventListener('click', function () {
    change('/claim', {}, function (answer) {
      return answer.delivered === true ? 'Yours: the employee was told you have joined their chat.' : 'Yours.';
    });
  });

  el.endRelay.addEventListener('click', function () {
    change('/end-relay', {}, function () { return 'The live chat has ended; the ticket stays yours.'; });
  });

  el.replyForm.addEventListener('submit', function (event) {
    event.preventDefault();
    var reply = el.replyText.value.trim();
    if (!reply) {
      show(el.detailError, 'Write a reply first.');
      el.replyText.focus();
      return;
    }
    if (reply.length > MAX_TEXT) {
      show(el.detailError, 'A reply can be at most ' + MAX_TEXT + ' characters.');
      el.replyText.focus();
      return;
    }
    change('/reply', { text: reply }, function (answer) {
      if (answer.delivered !== false) {
        el.replyText.value = '';
      }
      return answer.delivered === true ? 'Reply sent.' : 'Reply saved on the ticket.';
    });
  });

  el.replyText.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      el.replyForm.requestSubmit ? el.replyForm.requestSubmit() : el.reply.click();
    }
  });

  el.resolveForm.addEventListener('submit', function (event) {
    event.preventDefault();
    var note = el.resolveNote.value.trim();
    change('/resolve', note ? { note: note } : {}, function () {
      el.resolveNote.value = '';
      return 'Resolved.';
    });
  });

  // ---- filters and refresh -----------------------------------------------------------------------------------

  el.filters.addEventListener('submit', function (event) {
    event.preventDefault();
    loadQueue();
  });
  [el.state, el.priority, el.assigned].forEach(function (select) {
    select.addEventListener('change', function () { loadQueue(); });
  });
  [el.category, el.search].forEach(function (input) {
    input.addEventListener('input', function () {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(loadQueue, SEARCH_DELAY_MS);
    });
  });
  el.refresh.addEventListener('click', function () {
    loadQueue();
    loadDetail(false);
  });
  window.addEventListener('hashchange', openFromHash);

  // Every 10 s while the page is visible: the queue, and the open ticket (new messages, someone else claiming it).
  setInterval(function () {
    if (document.hidden) {
      return;
    }
    loadQueue();
    if (selected && !busy) {
      loadDetail(false);
    }
  }, REFRESH_MS);

  api('/session')
    .then(function (result) {
      session = result.body;
      el.meName.textContent = technicianName(session.technician);
      byId('admin-link').hidden = !session.admin;
      var antiforgery = session.antiforgery || {};
      if (antiforgery.formFieldName) {
        el.logoutToken.name = antiforgery.formFieldName;
      }
      el.logoutToken.value = text(antiforgery.token);
      return loadQueue();
    })
    .then(openFromHash)
    .catch(function (err) {
      el.queueStatus.textContent = '';
      show(el.queueError, 'The console could not start: ' + err.message);
    });
})();
