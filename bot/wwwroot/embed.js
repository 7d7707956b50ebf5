// SupportBot web chat for intranet pages. Paste into a page:
//
//   <div id="supportbot"></div>
//   <script src="https://BOT-HOST/embed.js" data-token-url="/api/supportbot/token" data-title="IT help"
//           data-accent="#0f6cbd" data-avatar="https://intranet.example/logo.png" async></script>
//
// It loads Bot Framework Web Chat from the bot's own host, asks the PAGE'S OWN BACKEND (data-token-url, same origin,
// with the page's cookies) for a Direct Line token — that backend signs its signed-in user in with the bot — and
// renders the chat into the element. The browser never holds a secret and can't choose whom it chats as.
//
// Attributes (anything else is ignored; an invalid value is ignored with a console warning):
//   data-token-url        required  the page's backend route that answers {"token","conversationId","expires_in"}
//   data-element                    id of the element to render into (default "supportbot")
//   data-title                      title bar text (default: the help desk's name from the bot)
//   data-accent                     #rgb or #rrggbb: title bar, send button, links, buttons (default #0f6cbd)
//   data-user-bubble                #rgb or #rrggbb: the user's messages (default: the accent)
//   data-bot-bubble                 #rgb or #rrggbb: the bot's messages (default #f3f3f3)
//   data-avatar                     http(s) URL of the bot's avatar image (default: initials)
//   data-avatar-initials            1–3 letters or digits shown when there is no image (default "IT")
//   data-height                     chat height in pixels, 320–1200 (default 560)
//   data-locale                     language tag such as en-GB (default: the browser's)
// Text colours are chosen for contrast with the background they sit on.
(function () {
  'use strict';

  var PREFIX = 'SupportBot embed: ';
  var AZURE_DIRECT_LINE = 'https://directline.botframework.com/v3/directline';
  var REQUEST_TIMEOUT_MS = 20000;
  var STATUS_EXPIRED_TOKEN = 3; // DirectLineJS ConnectionStatus
  var STATUS_FAILED_TO_CONNECT = 4;
  var DEFAULTS = {
    elementId: 'supportbot',
    accent: '#0f6cbd',
    botBubble: '#f3f3f3',
    initials: 'IT',
    height: 560
  };

  var script = document.currentScript || findOwnScript();
  if (!script) {
    return;
  }

  // ---- settings from the data-* attributes ------------------------------------------------------------------------

  function findOwnScript() {
    var scripts = document.querySelectorAll('script[src][data-token-url]');
    for (var i = 0; i < scripts.length; i++) {
      if (/\/embed\.js(\?|#|$)/.test(scripts[i].src)) {
        return scripts[i];
      }
    }
    return null;
  }

  function warn(message) {
    if (window.console && typeof window.console.warn === 'function') {
      window.console.warn(PREFIX + message);
    }
  }

  function attr(name) {
    var value = script.getAttribute('data-' + name);
    return typeof value === 'string' ? value.trim() : '';
  }

  function colour(name, fallback) {
    var value = attr(name);
    if (!value) {
      return fallback;
    }
    if (/^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(value)) {
      return value.length === 4
        ? '#' + value[1] + value[1] + value[2] + value[2] + value[3] + value[3]
        : value.toLowerCase();
    }
    warn('data-' + name + '="' + value + '" is not a colour like #0f6cbd; using ' + (fallback || 'the default') + '.');
    return fallback;
  }

  function httpUrl(name, value, sameOriginOnly) {
    if (!value) {
      return null;
    }
    try {
      var url = new URL(value, window.location.href);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new Error('not http(s)');
      }
      if (sameOriginOnly && url.origin !== window.location.origin) {
        warn('data-' + name + ' must be on this page\'s own site (' + window.location.origin + '), not ' + url.origin + '.');
        return null;
      }
      return url.href;
    } catch (e) {
      warn('data-' + name + '="' + value + '" is not an http(s) URL; ignoring it.');
      return null;
    }
  }

  function readSettings() {
    var accent = colour('accent', DEFAULTS.accent);
    var initials = attr('avatar-initials');
    if (initials && !/^[\p{L}\p{N}]{1,3}$/u.test(initials)) {
      warn('data-avatar-initials="' + initials + '" must be 1–3 letters or digits; using "' + DEFAULTS.initials + '".');
      initials = '';
    }
    var height = attr('height');
    var pixels = /^\d{3,4}$/.test(height) ? parseInt(height, 10) : NaN;
    if (height && !(pixels >= 320 && pixels <= 1200)) {
      warn('data-height="' + height + '" must be a number of pixels from 320 to 1200; using ' + DEFAULTS.height + '.');
    }
    var locale = attr('locale');
    if (locale && !/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i.test(locale)) {
      warn('data-locale="' + locale + '" is not a language tag like en-GB; using the browser\'s.');
      locale = '';
    }
    var elementId = attr('element') || DEFAULTS.elementId;

    return {
      botBase: new URL('.', script.src).href,
      tokenUrl: httpUrl('token-url', attr('token-url'), true),
      elementId: elementId,
      title: attr('title').slice(0, 80),
      accent: accent,
      userBubble: colour('user-bubble', accent),
      botBubble: colour('bot-bubble', DEFAULTS.botBubble),
      avatar: httpUrl('avatar', attr('avatar'), false),
      initials: initials || DEFAULTS.initials,
      height: pixels >= 320 && pixels <= 1200 ? pixels : DEFAULTS.height,
      locale: locale || navigator.language || 'en-US'
    };
  }

  // Black or white text, whichever reads better on the background (WCAG relative luminance).
  function textOn(hex) {
    var channels = [1, 3, 5].map(function (i) {
      var c = parseInt(hex.substr(i, 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    var luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
    return (1.05 / (luminance + 0.05)) >= ((luminance + 0.05) / 0.05) ? '#ffffff' : '#1b1b1b';
  }

  // ---- the widget's own chrome ------------------------------------------------------------------------------------

  var STYLE_ID = 'supportbot-embed-style';
  var CSS = [
    '.supportbot-widget{display:flex;flex-direction:column;box-sizing:border-box;border:1px solid #d1d1d1;border-radius:8px;overflow:hidden;background:#fff;font-family:inherit;}',
    '.supportbot-widget *{box-sizing:border-box;}',
    '.supportbot-widget__titlebar{display:flex;align-items:center;gap:10px;padding:10px 14px;min-height:52px;background:var(--supportbot-accent);color:var(--supportbot-on-accent);}',
    '.supportbot-widget__avatar{width:32px;height:32px;border-radius:50%;flex:none;object-fit:cover;background:#fff;}',
    '.supportbot-widget__initials{display:inline-flex;align-items:center;justify-content:center;width:32px;height:32px;border-radius:50%;flex:none;font-weight:600;font-size:13px;border:2px solid var(--supportbot-on-accent);}',
    '.supportbot-widget__title{margin:0;font-size:16px;font-weight:600;line-height:1.3;}',
    '.supportbot-widget__chat{flex:1;min-height:0;}',
    '.supportbot-widget__notice{margin:16px;padding:14px 16px;border-radius:6px;border:1px solid #e0b4b4;background:#fdf3f3;color:#1b1b1b;line-height:1.45;}',
    '.supportbot-widget__notice p{margin:0 0 8px;}',
    '.supportbot-widget__notice p:last-child{margin-bottom:0;}',
    '.supportbot-widget__status{margin:16px;color:#424242;}',
    '.supportbot-widget__button{font:inherit;padding:6px 14px;border-radius:4px;border:1px solid var(--supportbot-accent);background:var(--supportbot-accent);color:var(--supportbot-on-accent);cursor:pointer;}',
    '.supportbot-widget__button:focus-visible{outline:2px solid #000;outline-offset:2px;}'
  ].join('\n');

  function injectStyle() {
    if (document.getElementById(STYLE_ID)) {
      return;
    }
    var style = document.createElement('style');
    style.id = STYLE_ID;
    style.textContent = CSS;
    (document.head || document.documentElement).appendChild(style);
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) {
      el.className = className;
    }
    if (text) {
      el.textContent = text;
    }
    return el;
  }

  function Widget(host, settings) {
    this.settings = settings;
    this.root = element('div', 'supportbot-widget');
    this.root.setAttribute('role', 'region');
    this.root.style.setProperty('--supportbot-accent', settings.accent);
    this.root.style.setProperty('--supportbot-on-accent', textOn(settings.accent));
    this.root.style.height = settings.height + 'px';

    this.titlebar = element('div', 'supportbot-widget__titlebar');
    this.titlebar.setAttribute('data-supportbot', 'titlebar');
    this.avatarSlot = element('span');
    this.titlebar.appendChild(this.avatarSlot);
    this.title = element('div', 'supportbot-widget__title');
    this.title.setAttribute('role', 'heading');
    this.title.setAttribute('aria-level', '2');
    this.titlebar.appendChild(this.title);
    this.root.appendChild(this.titlebar);

    this.body = element('div', 'supportbot-widget__chat');
    this.root.appendChild(this.body);
    this.setTitle(settings.title || 'IT help');
    this.showAvatar();

    host.textContent = '';
    host.appendChild(this.root);
  }

  Widget.prototype.setTitle = function (title) {
    this.title.textContent = title;
    this.root.setAttribute('aria-label', title);
  };

  Widget.prototype.showAvatar = function () {
    var self = this;
    var initials = function () {
      var badge = element('span', 'supportbot-widget__initials', self.settings.initials);
      badge.setAttribute('aria-hidden', 'true');
      self.avatarSlot.replaceWith(badge);
      self.avatarSlot = badge;
    };
    if (!this.settings.avatar) {
      initials();
      return;
    }
    var img = element('img', 'supportbot-widget__avatar');
    img.alt = '';
    img.src = this.settings.avatar;
    img.onerror = initials;
    this.avatarSlot.replaceWith(img);
    this.avatarSlot = img;
  };

  // A fresh chat area (Web Chat keeps its conversation in the element it rendered into).
  Widget.prototype.clear = function () {
    var fresh = element('div', 'supportbot-widget__chat');
    this.root.replaceChild(fresh, this.body);
    this.body = fresh;
    return fresh;
  };

  Widget.prototype.status = function (message) {
    var area = this.clear();
    var p = element('p', 'supportbot-widget__status', message);
    p.setAttribute('role', 'status');
    area.appendChild(p);
  };

  // A message the employee can act on, in place of the chat; `action` adds a button ({ label, run }).
  Widget.prototype.notice = function (lines, action) {
    var area = this.clear();
    var box = element('div', 'supportbot-widget__notice');
    box.setAttribute('role', 'alert');
    box.setAttribute('data-supportbot', 'notice');
    lines.filter(Boolean).forEach(function (line) {
      box.appendChild(element('p', null, line));
    });
    if (action) {
      var p = element('p');
      var button = element('button', 'supportbot-widget__button', action.label);
      button.type = 'button';
      button.addEventListener('click', action.run);
      p.appendChild(button);
      box.appendChild(p);
    }
    area.appendChild(box);
  };

  // ---- talking to the page's backend and the bot -----------------------------------------------------------------

  function HttpError(url, message, status) {
    this.name = 'HttpError';
    this.url = url;
    this.message = message;
    this.status = status;
  }
  HttpError.prototype = Object.create(Error.prototype);

  function requestJson(url, init) {
    var controller = typeof AbortController === 'function' ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS) : null;
    var options = Object.assign({ cache: 'no-store' }, init);
    options.headers = Object.assign({ Accept: 'application/json' }, init.headers || {});
    if (controller) {
      options.signal = controller.signal;
    }
    return fetch(url, options).then(function (response) {
      if (!response.ok) {
        throw new HttpError(url, url + ' answered HTTP ' + response.status, response.status);
      }
      return response.json();
    }, function (err) {
      throw new HttpError(url, url + ' could not be reached' + (err && err.name === 'AbortError' ? ' (timed out)' : ''), 0);
    }).finally(function () {
      if (timer) {
        clearTimeout(timer);
      }
    });
  }

  var webChatLoading = null;
  function loadWebChat(botBase) {
    if (window.WebChat && typeof window.WebChat.renderWebChat === 'function') {
      return Promise.resolve(window.WebChat);
    }
    if (!webChatLoading) {
      webChatLoading = new Promise(function (resolve, reject) {
        var tag = document.createElement('script');
        tag.src = new URL('lib/webchat.js', botBase).href;
        tag.async = true;
        tag.onload = function () {
          if (window.WebChat && typeof window.WebChat.renderWebChat === 'function') {
            resolve(window.WebChat);
          } else {
            reject(new Error('the chat component loaded but did not start'));
          }
        };
        tag.onerror = function () {
          webChatLoading = null;
          reject(new Error('the chat component could not be loaded from ' + botBase));
        };
        document.head.appendChild(tag);
      });
    }
    return webChatLoading;
  }

  // ---- the chat ---------------------------------------------------------------------------------------------------

  function Chat(widget, settings) {
    this.widget = widget;
    this.settings = settings;
    this.directLine = null;
    this.subscription = null;
    this.refreshTimer = null;
    this.token = null;
    this.domain = null;
    this.starting = false;
  }

  Chat.prototype.styleOptions = function () {
    var s = this.settings;
    var options = {
      accent: s.accent,
      botAvatarInitials: s.initials,
      botAvatarBackgroundColor: s.accent,
      bubbleBackground: s.botBubble,
      bubbleBorderColor: s.botBubble,
      bubbleTextColor: textOn(s.botBubble),
      bubbleBorderRadius: 8,
      bubbleFromUserBackground: s.userBubble,
      bubbleFromUserBorderColor: s.userBubble,
      bubbleFromUserTextColor: textOn(s.userBubble),
      bubbleFromUserBorderRadius: 8,
      sendBoxButtonColor: s.accent,
      sendBoxButtonColorOnHover: s.accent,
      suggestedActionBorderColor: s.accent,
      suggestedActionTextColor: s.accent,
      hideUploadButton: true,
      rootHeight: '100%',
      rootWidth: '100%'
    };
    if (s.avatar) {
      options.botAvatarImage = s.avatar;
    }
    return options;
  };

  Chat.prototype.stop = function () {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    if (this.subscription) {
      this.subscription.unsubscribe();
      this.subscription = null;
    }
    if (this.directLine) {
      try {
        this.directLine.end();
      } catch (e) {
        // already ended
      }
      this.directLine = null;
    }
  };

  Chat.prototype.start = function () {
    var self = this;
    if (this.starting) {
      return;
    }
    this.starting = true;
    this.stop();
    this.widget.status('Starting the chat…');

    var settings = this.settings;
    var config = requestJson(new URL('api/webchat/config', settings.botBase).href, { credentials: 'omit' });
    var token = requestJson(settings.tokenUrl, { method: 'POST', credentials: 'same-origin' });
    Promise.all([loadWebChat(settings.botBase), config, token])
      .then(function (loaded) {
        self.render(loaded[0], loaded[1] || {}, loaded[2] || {});
      })
      .catch(function (err) {
        self.stop();
        self.failed(err);
      })
      .finally(function () {
        self.starting = false;
      });
  };

  Chat.prototype.failed = function (err) {
    var self = this;
    var retry = { label: 'Try again', run: function () { self.start(); } };
    if (err instanceof HttpError && err.url === this.settings.tokenUrl && (err.status === 401 || err.status === 403)) {
      this.widget.notice(['Please sign in to the intranet to chat with IT help.', 'Then reload this page.'], retry);
    } else {
      this.widget.notice(['The IT help chat can\'t start right now. Please try again in a moment.',
        err && err.message ? 'Details: ' + err.message + '.' : ''], retry);
    }
    if (err && err.message) {
      warn(err.message);
    }
  };

  Chat.prototype.render = function (WebChat, config, tokenResponse) {
    var self = this;
    if (typeof tokenResponse.token !== 'string' || !tokenResponse.token) {
      throw new Error('the token route answered without a token');
    }
    if (!this.settings.title && config.helpDesk && typeof config.helpDesk.helpDeskName === 'string' && config.helpDesk.helpDeskName.trim()) {
      this.widget.setTitle(config.helpDesk.helpDeskName.trim());
    }

    var dl = config.directLine || {};
    this.domain = typeof dl.domain === 'string' && dl.domain ? dl.domain.replace(/\/+$/, '') : AZURE_DIRECT_LINE;
    this.token = tokenResponse.token;
    this.directLine = WebChat.createDirectLine({ token: this.token, domain: this.domain, webSocket: dl.webSocket === true });
    if (this.directLine.connectionStatus$ && typeof this.directLine.connectionStatus$.subscribe === 'function') {
      this.subscription = this.directLine.connectionStatus$.subscribe({
        next: function (status) {
          if (status === STATUS_EXPIRED_TOKEN) {
            self.expired();
          } else if (status === STATUS_FAILED_TO_CONNECT) {
            self.stop();
            self.widget.notice(['The connection to IT help was lost.'], { label: 'Start a new chat', run: function () { self.start(); } });
          }
        }
      });
    }

    // No userID: Web Chat takes it from the token, which the bot bound to the signed-in user.
    WebChat.renderWebChat({
      directLine: this.directLine,
      locale: this.settings.locale,
      styleOptions: this.styleOptions()
    }, this.widget.clear());
    this.scheduleRefresh(tokenResponse.expires_in);
  };

  // Direct Line tokens expire (30 minutes by default): renew this conversation's token at half its lifetime.
  Chat.prototype.scheduleRefresh = function (expiresIn) {
    var self = this;
    var seconds = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : 1800;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(function () { self.refresh(seconds); }, Math.max(10, seconds / 2) * 1000);
  };

  Chat.prototype.refresh = function (lastLifetime) {
    var self = this;
    var directLine = this.directLine;
    if (!directLine) {
      return;
    }
    requestJson(this.domain + '/tokens/refresh', {
      method: 'POST',
      credentials: 'omit',
      headers: { Authorization: 'Bearer ' + this.token }
    }).then(function (renewed) {
      if (self.directLine !== directLine || typeof renewed.token !== 'string' || !renewed.token) {
        return;
      }
      self.token = renewed.token;
      directLine.reconnect({ conversationId: renewed.conversationId, token: renewed.token, streamUrl: directLine.streamUrl });
      self.scheduleRefresh(renewed.expires_in);
    }, function (err) {
      if (self.directLine !== directLine) {
        return;
      }
      if (err.status === 401 || err.status === 403) {
        self.expired();
      } else {
        // Offline for a moment: try again while the token may still be valid.
        warn('could not renew the chat token (' + err.message + '); trying again.');
        self.refreshTimer = setTimeout(function () { self.refresh(lastLifetime); }, Math.max(5, lastLifetime / 10) * 1000);
      }
    });
  };

  Chat.prototype.expired = function () {
    var self = this;
    this.stop();
    this.widget.notice(['Your chat session has expired.'], { label: 'Start a new chat', run: function () { self.start(); } });
  };

  // ---- start ------------------------------------------------------------------------------------------------------

  function boot() {
    var settings = readSettings();
    var host = document.getElementById(settings.elementId);
    if (!host) {
      warn('there is no element with id="' + settings.elementId + '" to put the chat in.');
      return;
    }
    if (host.getAttribute('data-supportbot-ready') === 'true') {
      return; // the snippet was pasted twice
    }
    host.setAttribute('data-supportbot-ready', 'true');
    injectStyle();
    var widget = new Widget(host, settings);
    if (!settings.tokenUrl) {
      widget.notice(['The IT help chat is not set up on this page: its data-token-url is missing or not on this site.']);
      warn('data-token-url is required: the route on this page\'s own backend that returns a chat token.');
      return;
    }
    new Chat(widget, settings).start();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', boot);
  } else {
    boot();
  }
})();
