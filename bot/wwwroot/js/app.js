// SupportBot web chat page: loads the help desk configuration, gets a Direct Line token for this browser's
// user and renders Bot Framework Web Chat (window.WebChat from lib/webchat.js). No build step, no frameworks.
// Config values are only ever put into the page with textContent / validated href attributes, never as HTML.
(function () {
  'use strict';

  var USER_ID_KEY = 'supportbot.userId';
  var USER_NAME = 'You';
  var DEMO_USER_KEY = 'supportbot.demoUser';
  var DEMO_GUEST = 'guest'; // the picker's "not in the directory" choice (a UPN always has an @)
  var REQUEST_TIMEOUT_MS = 20000;
  var DEFAULT_HELP_DESK_NAME = 'IT Help Desk';

  var elements = {
    orgName: document.getElementById('org-name'),
    helpDeskName: document.getElementById('helpdesk-name'),
    status: document.getElementById('chat-status'),
    error: document.getElementById('chat-error'),
    errorContact: document.getElementById('chat-error-contact'),
    errorDetail: document.getElementById('chat-error-detail'),
    retry: document.getElementById('chat-retry'),
    webchat: document.getElementById('webchat'),
    hours: document.getElementById('contact-hours'),
    hoursValue: document.getElementById('contact-hours-value'),
    phone: document.getElementById('contact-phone'),
    phoneLink: document.getElementById('contact-phone-link'),
    email: document.getElementById('contact-email'),
    emailLink: document.getElementById('contact-email-link'),
    portal: document.getElementById('contact-portal'),
    portalLink: document.getElementById('contact-portal-link'),
    footer: document.getElementById('site-footer'),
    demo: document.getElementById('demo-user'),
    demoSelect: document.getElementById('demo-user-select'),
    demoHint: document.getElementById('demo-user-hint')
  };

  var helpDesk = {};
  var directLine = null;
  var connectionSubscription = null;
  var starting = false;
  var restartPending = false;
  var demoUsers = null; // the demo tenant's people ({ id, name }) while the "chat as" picker is shown

  // ---- small helpers -------------------------------------------------------------------------------------

  function text(value) {
    return typeof value === 'string' ? value.trim() : '';
  }

  function telHref(phone) {
    var digits = phone.replace(/[^\d+]/g, '');
    return digits ? 'tel:' + digits : null;
  }

  function mailtoHref(email) {
    return /^[^\s@<>"]+@[^\s@<>"]+$/.test(email) ? 'mailto:' + email : null;
  }

  function httpHref(url) {
    try {
      var parsed = new URL(url, window.location.href);
      return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name);
    return value && value.trim() ? value.trim() : fallback;
  }

  function randomHex(byteCount) {
    var bytes = new Uint8Array(byteCount);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  // A stable, random user id for this browser (not personal data). Falls back to a per-page id when
  // localStorage is unavailable (e.g. blocked storage).
  var memoryUserId = null;
  function getUserId() {
    try {
      var stored = window.localStorage.getItem(USER_ID_KEY);
      if (stored && /^dl_[0-9a-f]{16}$/.test(stored)) {
        return stored;
      }
      var created = 'dl_' + randomHex(8);
      window.localStorage.setItem(USER_ID_KEY, created);
      return created;
    } catch (e) {
      memoryUserId = memoryUserId || 'dl_' + randomHex(8);
      return memoryUserId;
    }
  }

  function readStored(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (e) {
      return null;
    }
  }

  function store(key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch (e) {
      // blocked storage: the choice lasts for this page only
    }
  }

  function requestJson(url, options) {
    var controller = typeof AbortController === 'function' ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS) : null;
    var init = Object.assign({ credentials: 'same-origin', cache: 'no-store' }, options || {});
    if (controller) {
      init.signal = controller.signal;
    }
    init.headers = Object.assign({ Accept: 'application/json' }, init.headers || {});

    return fetch(url, init).then(function (response) {
      if (!response.ok) {
        // ASP.NET Core answers errors as problem details: show their title when there is one.
        return response.json().catch(function () { return null; }).then(function (problem) {
          var title = problem && typeof problem.title === 'string' ? problem.title.trim() + ' ' : '';
          throw new Error(title + '(' + url + ' answered HTTP ' + response.status + ')');
        });
      }
      return response.json();
    }, function (err) {
      throw new Error(url + ' could not be reached' + (err && err.name === 'AbortError' ? ' (timed out)' : ''));
    }).finally(function () {
      if (timer) {
        clearTimeout(timer);
      }
    });
  }

  // ---- page chrome from the configuration ---------------------------------------------------------------

  function setLink(item, link, label, href) {
    if (label && href) {
      link.textContent = label;
      link.setAttribute('href', href);
      item.hidden = false;
    } else {
      item.hidden = true;
    }
  }

  function applyHelpDesk(config) {
    var hd = (config && config.helpDesk) || {};
    helpDesk = {
      organisationName: text(hd.organisationName),
      helpDeskName: text(hd.helpDeskName) || DEFAULT_HELP_DESK_NAME,
      phone: text(hd.phone),
      email: text(hd.email),
      hours: text(hd.hours),
      portalUrl: text(hd.portalUrl)
    };

    elements.orgName.textContent = helpDesk.organisationName;
    elements.orgName.hidden = !helpDesk.organisationName;
    elements.helpDeskName.textContent = helpDesk.helpDeskName;
    document.title = helpDesk.organisationName
      ? helpDesk.organisationName + ' ' + helpDesk.helpDeskName + ' chat'
      : helpDesk.helpDeskName + ' chat';

    elements.hoursValue.textContent = helpDesk.hours;
    elements.hours.hidden = !helpDesk.hours;
    setLink(elements.phone, elements.phoneLink, helpDesk.phone, helpDesk.phone && telHref(helpDesk.phone));
    setLink(elements.email, elements.emailLink, helpDesk.email, helpDesk.email && mailtoHref(helpDesk.email));
    var portalHref = helpDesk.portalUrl && httpHref(helpDesk.portalUrl);
    elements.portalLink.textContent = 'Self-service portal';
    setLink(elements.portal, elements.portalLink, portalHref ? 'Self-service portal' : '', portalHref);

    var anyContact = !elements.hours.hidden || !elements.phone.hidden || !elements.email.hidden || !elements.portal.hidden;
    elements.footer.hidden = !anyContact;
  }

  // ---- demo tenant: "chat as" picker ------------------------------------------------------------------------

  // config.demo is only there in development mode with the Graph sandbox: the local channel binds the user id the
  // page asks for, so the page can chat as one of the demo tenant's people (or as a guest the directory doesn't know).
  function applyDemo(config) {
    var demo = config && config.demo;
    var users = demo && Array.isArray(demo.users)
      ? demo.users.filter(function (u) { return u && text(u.id) && text(u.name); })
      : [];
    if (!users.length) {
      demoUsers = null;
      elements.demo.hidden = true;
      return;
    }
    if (demoUsers) {
      return; // built on the first start; later starts (retry, "chat as" changes) keep the picker as it is
    }

    demoUsers = users.map(function (u) { return { id: text(u.id), name: text(u.name), title: text(u.title) }; });
    var select = elements.demoSelect;
    select.textContent = '';
    demoUsers.forEach(function (u) {
      var option = document.createElement('option');
      option.value = u.id;
      option.textContent = u.title ? u.name + ' — ' + u.title : u.name;
      select.appendChild(option);
    });
    var guest = document.createElement('option');
    guest.value = DEMO_GUEST;
    guest.textContent = 'Guest (not in the directory)';
    select.appendChild(guest);

    var tenant = text(demo.tenant);
    if (tenant) {
      elements.demoHint.textContent = 'Development mode: self-help actions run against the ' + tenant +
        ' demo tenant\'s sandbox, not real accounts. Changing the person starts a new chat.';
    }

    var wanted = readStored(DEMO_USER_KEY) || text(demo.defaultUser);
    select.value = isDemoChoice(wanted) ? wanted : demoUsers[0].id;
    elements.demo.hidden = false;
  }

  function isDemoChoice(value) {
    return value === DEMO_GUEST || demoUsers.some(function (u) { return u.id === value; });
  }

  // Who this browser chats as: the picked demo person, or this browser's random (guest) id.
  function chatIdentity() {
    if (demoUsers) {
      var picked = elements.demoSelect.value;
      for (var i = 0; i < demoUsers.length; i++) {
        if (demoUsers[i].id === picked) {
          return { id: demoUsers[i].id, name: demoUsers[i].name, guest: false };
        }
      }
    }
    return { id: getUserId(), name: USER_NAME, guest: true };
  }

  function onDemoUserChanged() {
    store(DEMO_USER_KEY, elements.demoSelect.value);
    restart();
  }

  // ---- status and error panel ------------------------------------------------------------------------------

  function showStatus(message) {
    elements.status.textContent = message;
    elements.status.hidden = !message;
  }

  function appendLink(parent, label, href) {
    if (href) {
      var a = document.createElement('a');
      a.textContent = label;
      a.setAttribute('href', href);
      parent.appendChild(a);
    } else {
      parent.appendChild(document.createTextNode(label));
    }
  }

  function showError(detail) {
    showStatus('');
    elements.webchat.hidden = true;

    // "… contact the help desk by phone at <phone> or by email at <email>."
    var contact = elements.errorContact;
    contact.textContent = '';
    var phone = helpDesk.phone;
    var email = helpDesk.email;
    if (phone || email) {
      contact.appendChild(document.createTextNode('If you need help now, contact the help desk '));
      if (phone) {
        contact.appendChild(document.createTextNode('by phone at '));
        appendLink(contact, phone, telHref(phone));
      }
      if (phone && email) {
        contact.appendChild(document.createTextNode(' or '));
      }
      if (email) {
        contact.appendChild(document.createTextNode('by email at '));
        appendLink(contact, email, mailtoHref(email));
      }
      contact.appendChild(document.createTextNode('.'));
      contact.hidden = false;
    } else {
      contact.hidden = true;
    }

    elements.errorDetail.textContent = detail ? 'Details: ' + detail : '';
    elements.error.hidden = false;
    elements.retry.disabled = false;
  }

  function hideError() {
    elements.error.hidden = true;
    elements.errorDetail.textContent = '';
  }

  // ---- Web Chat ---------------------------------------------------------------------------------------------

  function styleOptions() {
    var accent = cssVar('--accent', '#0b5cad');
    return {
      accent: accent,
      primaryFont: cssVar('--font', undefined),
      botAvatarInitials: 'IT',
      botAvatarBackgroundColor: cssVar('--brand', '#0b5cad'),
      userAvatarInitials: 'You',
      userAvatarBackgroundColor: cssVar('--brand-dark', '#073b70'),
      bubbleBackground: cssVar('--bot-bubble', '#eef4fb'),
      bubbleBorderColor: cssVar('--bot-bubble-border', '#c9dcf0'),
      bubbleBorderRadius: 8,
      bubbleTextColor: cssVar('--bot-bubble-text', '#1b2733'),
      bubbleFromUserBackground: cssVar('--user-bubble', '#0b5cad'),
      bubbleFromUserBorderColor: cssVar('--user-bubble', '#0b5cad'),
      bubbleFromUserBorderRadius: 8,
      bubbleFromUserTextColor: cssVar('--user-bubble-text', '#ffffff'),
      sendBoxButtonColor: accent,
      suggestedActionBorderColor: accent,
      suggestedActionTextColor: accent,
      hideUploadButton: true
    };
  }

  function findSendBox() {
    return elements.webchat.querySelector('[data-id="webchat-sendbox-input"]') ||
      elements.webchat.querySelector('textarea, input[type="text"]');
  }

  // Web Chat renders asynchronously: focus the send box as soon as it appears (give up after 10 s).
  function focusSendBox() {
    var deadline = Date.now() + 10000;
    (function attempt() {
      var box = findSendBox();
      if (box) {
        box.focus();
      } else if (Date.now() < deadline) {
        setTimeout(attempt, 100);
      }
    })();
  }

  function stopDirectLine() {
    if (connectionSubscription) {
      connectionSubscription.unsubscribe();
      connectionSubscription = null;
    }
    if (directLine) {
      try {
        directLine.end();
      } catch (e) {
        // already ended
      }
      directLine = null;
    }
  }

  // Web Chat keeps its conversation in the element it was rendered into: start over with an empty one.
  function resetWebChat() {
    var fresh = elements.webchat.cloneNode(false);
    elements.webchat.parentNode.replaceChild(fresh, elements.webchat);
    elements.webchat = fresh;
  }

  function render(config, identity, token, focus) {
    var dl = (config && config.directLine) || {};
    var directLineOptions = { token: token, webSocket: dl.webSocket === true };
    if (typeof dl.domain === 'string' && dl.domain) {
      directLineOptions.domain = dl.domain; // null/absent means Azure Bot Service Direct Line
    }

    stopDirectLine();
    directLine = window.WebChat.createDirectLine(directLineOptions);

    // 4 = FailedToConnect in DirectLineJS's ConnectionStatus.
    if (directLine.connectionStatus$ && typeof directLine.connectionStatus$.subscribe === 'function') {
      connectionSubscription = directLine.connectionStatus$.subscribe({
        next: function (status) {
          if (status === 4) {
            showError('the chat connection to the help desk failed.');
          }
        }
      });
    }

    elements.webchat.hidden = false;
    window.WebChat.renderWebChat({
      directLine: directLine,
      userID: identity.id,
      username: identity.name,
      locale: navigator.language || 'en-US',
      styleOptions: styleOptions()
    }, elements.webchat);

    showStatus('');
    if (focus) {
      focusSendBox();
    }
  }

  // A new chat (e.g. as another demo person): ends the current one and starts again. If a start is under way, one
  // more follows it, with the latest choice.
  function restart() {
    if (starting) {
      restartPending = true;
      return;
    }
    stopDirectLine();
    resetWebChat();
    start(false);
  }

  // focus: move the keyboard focus to the send box once the chat is shown (not when the "chat as" picker has it).
  function start(focus) {
    if (starting) {
      return;
    }
    starting = true;
    hideError();
    elements.retry.disabled = true;
    showStatus('Starting the help desk chat…');

    var config = null;
    var identity = null;

    requestJson('api/webchat/config')
      .then(function (loaded) {
        config = loaded || {};
        applyHelpDesk(config);
        applyDemo(config);
        identity = chatIdentity();
        if (demoUsers) {
          showStatus('Starting the help desk chat as ' + (identity.guest ? 'a guest' : identity.name) + '…');
        }
        if (!window.WebChat || typeof window.WebChat.renderWebChat !== 'function') {
          throw new Error('the chat component (lib/webchat.js) did not load');
        }
        return requestJson('api/directline/token', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ user: { id: identity.id, name: identity.name } })
        });
      })
      .then(function (tokenResponse) {
        var token = tokenResponse && tokenResponse.token;
        if (typeof token !== 'string' || !token) {
          throw new Error('the token response had no token');
        }
        render(config, identity, token, focus !== false);
      })
      .catch(function (err) {
        stopDirectLine();
        showError(err && err.message);
      })
      .finally(function () {
        starting = false;
        if (restartPending) {
          restartPending = false;
          restart();
        }
      });
  }

  elements.retry.addEventListener('click', function () { start(true); });
  elements.demoSelect.addEventListener('change', onDemoUserChanged);
  applyHelpDesk(null);
  start(true);
})();
