/*!
 * Harbin IT-law intake assistant: website chat widget.
 *
 * Embed with one tag (everything else is loaded from the same folder as this file):
 *   <script src="https://example.org/static/lawbot-widget.js" defer
 *           data-server-url="http://localhost:5005" data-language="zh"
 *           data-title="IT法律咨询" data-primary-color="#0b3d6e"></script>
 *
 * Optional: data-socket-path (default "/socket.io"), data-open="true" (open at load),
 * data-init-payload (sent once when a new conversation starts, e.g. "/greet").
 *
 * Talks to Rasa's socket.io channel (events user_uttered / bot_uttered, session_request /
 * session_confirm with session persistence; the session id is signed by the server and kept
 * as it is). User and bot text is only ever inserted as text nodes (textContent), never as
 * HTML. When the bot confirms that the user's data was erased (a message with
 * custom.erased === true), the stored history and session id are removed from localStorage
 * and a new session is requested.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.LawbotWidget) {
    return;
  }

  var TEXT = {
    zh: {
      title: "IT法律咨询助手",
      launcher: "在线咨询",
      open: "打开IT法律咨询对话",
      close: "关闭对话",
      restart: "开始新对话",
      restartConfirm: "开始新对话？当前对话记录将从本页面清除。",
      placeholder: "请输入您的问题，按回车发送",
      inputLabel: "输入消息",
      send: "发送",
      log: "对话记录",
      chips: "可选回复",
      you: "您：",
      bot: "助手：",
      typing: "助手正在输入…",
      connecting: "正在连接…",
      reconnecting: "连接已断开，正在重新连接…",
      unavailable: "暂时无法连接到服务器，正在重试…",
      intro: "您好！请用一两句话描述您遇到的IT法律问题，例如网站备案、个人信息保护或数据泄露。",
      disclaimer: "仅提供一般性法律信息，不构成法律意见。",
      newWindow: "（在新窗口打开）"
    },
    en: {
      title: "IT-law intake assistant",
      launcher: "Chat with us",
      open: "Open the IT-law chat",
      close: "Close the chat",
      restart: "Start a new conversation",
      restartConfirm: "Start a new conversation? This conversation will be cleared from this page.",
      placeholder: "Type your question and press Enter",
      inputLabel: "Your message",
      send: "Send",
      log: "Conversation",
      chips: "Suggested replies",
      you: "You: ",
      bot: "Assistant: ",
      typing: "The assistant is typing…",
      connecting: "Connecting…",
      reconnecting: "Connection lost, reconnecting…",
      unavailable: "Cannot reach the server right now, retrying…",
      intro: "Hello! Describe your IT-law problem in a sentence or two, for example an ICP filing, personal information or a data breach.",
      disclaimer: "General legal information only, not legal advice.",
      newWindow: " (opens in a new window)"
    }
  };

  function attr(name, fallback) {
    var value = script.getAttribute("data-" + name);
    return value === null || value === "" ? fallback : value;
  }

  function pageLanguage() {
    var lang = (document.documentElement.getAttribute("lang") || navigator.language || "").toLowerCase();
    return lang.indexOf("zh") === 0 ? "zh" : "en";
  }

  var language = attr("language", pageLanguage()) === "zh" ? "zh" : "en";
  var T = TEXT[language];
  var serverUrl = attr("server-url", window.location.origin).replace(/\/+$/, "");
  var config = {
    serverUrl: serverUrl,
    socketPath: attr("socket-path", "/socket.io"),
    title: attr("title", T.title),
    primaryColor: attr("primary-color", ""),
    initPayload: attr("init-payload", ""),
    openAtLoad: attr("open", "false") === "true"
  };
  var baseUrl = new URL(".", script.src).href;
  var KEY = "lawbot:" + serverUrl;
  var HISTORY_LIMIT = 200;
  var QUIET_MS = 700; // a turn's replies are complete when none arrived for this long
  var REPLY_TIMEOUT_MS = 30000;

  // ---- storage (may be unavailable: private mode, blocked cookies) ----
  function load(store, key, fallback) {
    try {
      var raw = window[store].getItem(KEY + ":" + key);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (e) {
      return fallback;
    }
  }

  function save(store, key, value) {
    try {
      if (value === null) {
        window[store].removeItem(KEY + ":" + key);
      } else {
        window[store].setItem(KEY + ":" + key, JSON.stringify(value));
      }
    } catch (e) {
      /* not persisted: the widget still works for this page view */
    }
  }

  var history = load("localStorage", "history", []);
  if (!Array.isArray(history)) {
    history = [];
  }
  var sessionId = load("localStorage", "session", null);

  // ---- DOM helpers: elements and text only, never HTML strings ----
  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (name) {
      var value = props[name];
      if (name === "text") {
        node.textContent = value;
      } else if (name === "className") {
        node.className = value;
      } else if (value !== null && value !== undefined && value !== false) {
        node.setAttribute(name, value === true ? "" : String(value));
      }
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function safeHref(url) {
    try {
      var parsed = new URL(url);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  function link(label, href) {
    return el("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, [
      label,
      el("span", { className: "lawbot-sr", text: T.newWindow })
    ]);
  }

  // Markdown links [label](http...) and bare http(s) URLs become links; everything else is text.
  var LINK_RE = /\[([^\]\n]{1,200})\]\(([^)\s]{1,2000})\)|\bhttps?:\/\/[^\s<>"'，。；）)]+/g;
  var TRAILING = /[.,;:!?]+$/;

  function appendRichText(parent, text) {
    var last = 0;
    var match;
    LINK_RE.lastIndex = 0;
    while ((match = LINK_RE.exec(text)) !== null) {
      var whole = match[0];
      var label = match[1];
      var url = label ? match[2] : whole.replace(TRAILING, "");
      var end = label ? match.index + whole.length : match.index + url.length;
      var href = safeHref(url);
      if (match.index > last) {
        parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      }
      if (href) {
        parent.appendChild(link(label || url, href));
      } else {
        parent.appendChild(document.createTextNode(label || url));
      }
      last = end;
      LINK_RE.lastIndex = end;
    }
    if (last < text.length) {
      parent.appendChild(document.createTextNode(text.slice(last)));
    }
  }

  // ---- styles and the socket.io client, both from this script's folder ----
  function loadCss() {
    var href = new URL("lawbot-widget.css", baseUrl).href;
    if (!document.querySelector('link[data-lawbot-css]')) {
      document.head.appendChild(el("link", { rel: "stylesheet", href: href, "data-lawbot-css": true }));
    }
  }

  var ioReady = null;
  function loadSocketIo() {
    if (ioReady) {
      return ioReady;
    }
    ioReady = new Promise(function (resolve, reject) {
      if (typeof window.io === "function") {
        resolve(window.io);
        return;
      }
      var tag = el("script", { src: new URL("vendor/socket.io.min.js", baseUrl).href, async: true });
      tag.onload = function () {
        return typeof window.io === "function" ? resolve(window.io) : reject(new Error("no io"));
      };
      tag.onerror = function () {
        ioReady = null;
        reject(new Error("socket.io client failed to load"));
      };
      document.head.appendChild(tag);
    });
    return ioReady;
  }

  // ---- the widget's elements ----
  var root = el("div", { className: "lawbot", lang: language === "zh" ? "zh-CN" : "en",
    "data-state": "idle", "data-connection": "offline" });
  if (config.primaryColor && window.CSS && CSS.supports && CSS.supports("color", config.primaryColor)) {
    root.style.setProperty("--lawbot-primary", config.primaryColor);
  }

  var launcher = el("button", {
    type: "button", className: "lawbot-launcher", "aria-label": T.open,
    "aria-expanded": "false", "aria-controls": "lawbot-panel"
  }, [el("span", { className: "lawbot-launcher-icon", "aria-hidden": "true" }),
      el("span", { className: "lawbot-launcher-text", text: T.launcher })]);

  var titleEl = el("h2", { className: "lawbot-title", id: "lawbot-title", text: config.title });
  var restartButton = el("button", { type: "button", className: "lawbot-icon-button lawbot-restart",
    "aria-label": T.restart, title: T.restart }, [el("span", { "aria-hidden": "true", text: "↺" })]);
  var closeButton = el("button", { type: "button", className: "lawbot-icon-button lawbot-close",
    "aria-label": T.close, title: T.close }, [el("span", { "aria-hidden": "true", text: "×" })]);
  var header = el("div", { className: "lawbot-header" }, [titleEl, restartButton, closeButton]);

  var status = el("div", { className: "lawbot-status", role: "status", "aria-live": "polite" });
  var log = el("div", { className: "lawbot-log", role: "log", "aria-live": "polite",
    "aria-relevant": "additions", "aria-label": T.log, tabindex: "0" });
  var typing = el("div", { className: "lawbot-typing", hidden: true }, [
    el("span", { className: "lawbot-dot", "aria-hidden": "true" }),
    el("span", { className: "lawbot-dot", "aria-hidden": "true" }),
    el("span", { className: "lawbot-dot", "aria-hidden": "true" }),
    el("span", { className: "lawbot-sr", text: T.typing })
  ]);
  var input = el("textarea", { className: "lawbot-input", id: "lawbot-input", rows: "1",
    placeholder: T.placeholder, "aria-label": T.inputLabel, maxlength: "2000", autocomplete: "off" });
  var sendButton = el("button", { type: "submit", className: "lawbot-send", text: T.send });
  var form = el("form", { className: "lawbot-form", novalidate: true }, [input, sendButton]);
  var disclaimer = el("p", { className: "lawbot-disclaimer", text: T.disclaimer });
  var panel = el("section", { className: "lawbot-panel", id: "lawbot-panel", role: "dialog",
    "aria-labelledby": "lawbot-title", hidden: true },
    [header, status, log, typing, form, disclaimer]);
  root.appendChild(panel);
  root.appendChild(launcher);

  // ---- rendering ----
  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function removeChips() {
    Array.prototype.forEach.call(log.querySelectorAll(".lawbot-chips"), function (group) {
      group.parentNode.removeChild(group);
    });
  }

  function renderChips(chips) {
    var group = el("div", { className: "lawbot-chips", role: "group", "aria-label": T.chips });
    chips.forEach(function (chip) {
      var button = el("button", { type: "button", className: "lawbot-chip", text: chip.title });
      button.addEventListener("click", function () {
        send(chip.title, chip.payload);
      });
      group.appendChild(button);
    });
    log.appendChild(group);
  }

  function renderEntry(entry) {
    var bubble = el("div", { className: "lawbot-msg lawbot-msg--" + entry.who +
      (entry.intro ? " lawbot-msg--intro" : "") }, [
      el("span", { className: "lawbot-sr", text: entry.who === "user" ? T.you : T.bot })
    ]);
    var body = el("span", { className: "lawbot-msg-text" });
    if (entry.who === "bot") {
      appendRichText(body, entry.text || "");
    } else {
      body.textContent = entry.text || "";
    }
    bubble.appendChild(body);
    if (entry.image && safeHref(entry.image)) {
      bubble.appendChild(el("img", { className: "lawbot-image", src: safeHref(entry.image), alt: "" }));
    }
    log.appendChild(bubble);
  }

  function renderAll() {
    while (log.firstChild) {
      log.removeChild(log.firstChild);
    }
    renderEntry({ who: "bot", text: T.intro, intro: true });
    history.forEach(renderEntry);
    var last = history[history.length - 1];
    if (last && last.who === "bot" && last.chips && last.chips.length) {
      renderChips(last.chips);
    }
    scrollToEnd();
  }

  function addEntry(entry) {
    history.push(entry);
    if (history.length > HISTORY_LIMIT) {
      history = history.slice(history.length - HISTORY_LIMIT);
    }
    save("localStorage", "history", history);
    removeChips();
    renderEntry(entry);
    if (entry.chips && entry.chips.length) {
      renderChips(entry.chips);
    }
    scrollToEnd();
  }

  var quietTimer = null;
  var replyTimer = null;
  function setWaiting(waiting) {
    clearTimeout(replyTimer);
    root.setAttribute("data-state", waiting ? "waiting" : "idle");
    log.setAttribute("aria-busy", waiting ? "true" : "false");
    typing.hidden = !waiting;
    if (waiting) {
      replyTimer = setTimeout(function () { setWaiting(false); }, REPLY_TIMEOUT_MS);
      scrollToEnd();
    }
  }

  function setConnection(state) {
    root.setAttribute("data-connection", state);
    var notice = { connecting: T.connecting, reconnecting: T.reconnecting, unavailable: T.unavailable };
    status.textContent = notice[state] || "";
    status.hidden = !notice[state];
  }

  // ---- the conversation ----
  var socket = null;
  var confirmed = false;
  var everConnected = false;
  var outbox = [];
  var quietStart = false; // the next new session starts without data-init-payload

  function emitMessage(message) {
    socket.emit("user_uttered", {
      message: message,
      session_id: sessionId,
      metadata: { language: language, source: "website", page: window.location.pathname }
    });
  }

  function flush() {
    while (confirmed && socket && socket.connected && outbox.length) {
      emitMessage(outbox.shift());
    }
  }

  function send(text, payload) {
    text = (text || "").trim();
    if (!text) {
      return;
    }
    addEntry({ who: "user", text: text, at: Date.now() });
    outbox.push(payload || text);
    setWaiting(true);
    connect();
    flush();
    input.focus();
  }

  function chipsOf(message) {
    var list = message.quick_replies || message.buttons || [];
    return list.filter(function (b) {
      return b && typeof b.title === "string" && (typeof b.payload === "string" || typeof b.payload === "number");
    }).map(function (b) {
      return { title: String(b.title).slice(0, 200), payload: String(b.payload) };
    });
  }

  // The user's data was erased on the server: nothing of it stays in this browser either.
  // What is on the screen stays until the page is left; the next message starts a new session.
  function forget() {
    history = [];
    sessionId = null;
    save("localStorage", "history", null);
    save("localStorage", "session", null);
    quietStart = true;
    if (socket && socket.connected) {
      confirmed = false;
      socket.emit("session_request", { session_id: null });
    }
  }

  function onBotMessage(message) {
    if (!message || typeof message !== "object") {
      return;
    }
    if (message.custom && typeof message.custom === "object" && message.custom.erased === true) {
      forget();
      return;
    }
    var entry = { who: "bot", text: typeof message.text === "string" ? message.text : "", at: Date.now() };
    var chips = chipsOf(message);
    if (chips.length) {
      entry.chips = chips;
    }
    var attachment = message.attachment;
    if (attachment && attachment.type === "image" && attachment.payload) {
      var src = safeHref(attachment.payload.src);
      if (src) {
        entry.image = src;
      }
    }
    if (!entry.text && !entry.chips && !entry.image) {
      return;
    }
    typing.hidden = true;
    addEntry(entry);
    root.setAttribute("data-state", "waiting");
    clearTimeout(quietTimer);
    quietTimer = setTimeout(function () { setWaiting(false); }, QUIET_MS);
  }

  function connect() {
    if (socket) {
      return;
    }
    socket = {}; // placeholder until the client is loaded
    setConnection("connecting");
    loadSocketIo().then(function (io) {
      socket = io(config.serverUrl, {
        path: config.socketPath,
        // WebSocket first (no CORS needed), long-polling when a proxy blocks WebSockets.
        transports: ["websocket", "polling"],
        tryAllTransports: true,
        reconnection: true,
        reconnectionDelay: 500,
        reconnectionDelayMax: 5000
      });
      socket.on("connect", function () {
        // After every (re)connection: rejoin the stored session, so replies reach this page.
        confirmed = false;
        everConnected = true;
        socket.emit("session_request", { session_id: sessionId });
      });
      socket.on("session_confirm", function (id) {
        var fresh = typeof id === "string" ? id : id && id.session_id;
        var isNew = fresh !== sessionId;
        sessionId = fresh;
        save("localStorage", "session", sessionId);
        confirmed = true;
        var quiet = quietStart;
        quietStart = false;
        setConnection("connected");
        if (isNew && config.initPayload && !history.length && !quiet) {
          outbox.unshift(config.initPayload);
          setWaiting(true);
        }
        flush();
      });
      socket.on("bot_uttered", onBotMessage);
      socket.on("disconnect", function (reason) {
        confirmed = false;
        setConnection("reconnecting");
        if (reason === "io server disconnect") {
          socket.connect();
        }
      });
      socket.on("connect_error", function () {
        setConnection(everConnected ? "reconnecting" : "unavailable");
      });
    }).catch(function () {
      socket = null;
      setConnection("unavailable");
    });
  }

  // ---- opening, closing, keyboard ----
  function isOpen() {
    return !panel.hidden;
  }

  function open() {
    panel.hidden = false;
    root.classList.add("lawbot--open");
    launcher.setAttribute("aria-expanded", "true");
    save("sessionStorage", "open", true);
    connect();
    scrollToEnd();
    input.focus();
  }

  function close() {
    panel.hidden = true;
    root.classList.remove("lawbot--open");
    launcher.setAttribute("aria-expanded", "false");
    save("sessionStorage", "open", null);
    launcher.focus();
  }

  function restart() {
    if (!window.confirm(T.restartConfirm)) {
      return;
    }
    history = [];
    sessionId = null;
    outbox = [];
    save("localStorage", "history", null);
    save("localStorage", "session", null);
    setWaiting(false);
    renderAll();
    if (socket && socket.connected) {
      confirmed = false;
      socket.emit("session_request", { session_id: null });
    }
    input.focus();
  }

  launcher.addEventListener("click", function () {
    return isOpen() ? close() : open();
  });
  closeButton.addEventListener("click", close);
  restartButton.addEventListener("click", restart);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    send(text);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });

  // ---- start ----
  function mount() {
    loadCss();
    document.body.appendChild(root);
    renderAll();
    setConnection("offline");
    if (config.openAtLoad || load("sessionStorage", "open", false)) {
      open();
    } else if (sessionId) {
      connect(); // replies to a message sent just before a reload still arrive
    }
  }

  window.LawbotWidget = {
    open: open,
    close: close,
    send: function (text) { send(text); },
    restart: restart,
    version: "1.0.0"
  };

  if (document.body) {
    mount();
  } else {
    document.addEventListener("DOMContentLoaded", mount);
  }
})();
