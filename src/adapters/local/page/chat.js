// The local chat page: plain browser JavaScript, no build step, no dependency.
// Every bot text goes into the page through textContent, never innerHTML, so
// whatever a reply contains it is shown, not run.
/* global document, localStorage, navigator, crypto, getSelection, FormData, CSS -- browser globals: the lint config is written for Node */
"use strict";

(() => {
  const WORDS = {
    zh: {
      appName: "督办", subtitle: "本地聊天", switchWho: "切换", pickWho: "你是谁？",
      pickWhoHint: "选一个身份试用。本地聊天不连钉钉或 Slack：机器人要发到别处的消息会显示在对话里。",
      role: "角色", role_liaison: "联络员", role_taskforce: "专班", role_admin: "管理员",
      unitSearch: "搜索单位", unitSearchPlaceholder: "输入几个字，如 义乌", unit: "单位", start: "开始",
      conversation: "对话", quickCommands: "快捷命令", message: "消息",
      cmd_help: "帮助", cmd_tasks: "我的任务", cmd_status: "查询", cmd_form: "填报",
      linePlaceholder: "输入命令，如 查询", send: "发送",
      kinds: { department: "部门", county: "县（市、区）", zone: "开发区", placeholder: "其他" },
      pickUnit: "请选择一个单位。", noMatch: "没有符合的单位",
      youAre: (role, unit) => `你现在是 ${unit} 的${role}。输入 帮助 查看命令，或点 填报。`,
      postTo: "将发送到", taskforce: "专班群", liaisons: (u) => `${u} 联络员`,
      example: "示例", copy: "复制", copied: "已复制", useIt: "填入",
      duplicate: "重复提交：这是之前的答复，没有再次保存",
      last: "上次", reason: "原因", cancel: "收起", sending: "提交中…", submitted: "已提交",
      failed: "没有发出去：", retry: "重试", serverError: "出错了：",
      fieldProblems: "请修改：", period: "月份",
      labelled: (label, value) => `${label}：${value}`,
      fields: { period: "月份", reason: "原因", progress: "进展情况", problems: "存在问题", nextSteps: "下步计划" },
    },
    en: {
      appName: "Duban", subtitle: "local chat", switchWho: "switch", pickWho: "Who are you?",
      pickWhoHint: "Pick an identity to try it out. The local chat is not connected to DingTalk or Slack: what the bot would post elsewhere is shown in the conversation.",
      role: "Role", role_liaison: "Liaison", role_taskforce: "Task force", role_admin: "Admin",
      unitSearch: "Find a unit", unitSearchPlaceholder: "type a few characters, e.g. 义乌", unit: "Unit", start: "Start",
      conversation: "Conversation", quickCommands: "Quick commands", message: "Message",
      cmd_help: "Help", cmd_tasks: "My tasks", cmd_status: "Status", cmd_form: "Report",
      linePlaceholder: "Type a command, e.g. status", send: "Send",
      kinds: { department: "Departments", county: "Counties", zone: "Zone", placeholder: "Other" },
      pickUnit: "Pick a unit.", noMatch: "No unit matches",
      youAre: (role, unit) => `You are the ${role.toLowerCase()} of ${unit}. Type help for the commands, or tap Report.`,
      postTo: "Would post to", taskforce: "the task-force group", liaisons: (u) => `${u} liaisons`,
      example: "Example", copy: "Copy", copied: "Copied", useIt: "Use",
      duplicate: "Sent twice: this is the earlier answer, nothing was stored again",
      last: "last", reason: "Reason", cancel: "Close", sending: "Sending…", submitted: "Submitted",
      failed: "Not sent: ", retry: "Retry", serverError: "Something went wrong: ",
      fieldProblems: "Please fix:", period: "Period",
      labelled: (label, value) => `${label}: ${value}`,
      fields: { period: "Period", reason: "Reason", progress: "Progress", problems: "Problems", nextSteps: "Next steps" },
    },
  };
  // What the quick buttons type: the core's command words, in the language shown.
  const COMMANDS = { zh: { help: "帮助", tasks: "我的任务", status: "查询" }, en: { help: "help", tasks: "tasks", status: "status" } };

  const $ = (id) => document.getElementById(id);
  const state = {
    lang: localStorage.getItem("duban.lang") === "en" ? "en" : "zh",
    units: [],
    who: null, // { userId, role, unit }
  };
  const t = (key) => WORDS[state.lang][key];

  // ---------------------------------------------------------------- helpers

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  }

  /** "local:<uuid>"; crypto.randomUUID needs a secure context, which a LAN address is not. */
  function newEventKey() {
    if (crypto.randomUUID) return `local:${crypto.randomUUID()}`;
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    return `local:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  /** POST JSON; resolves { ok, status, body } or rejects on a network failure. */
  async function post(path, body) {
    const res = await fetch(`/chat/api/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    let json = null;
    try {
      json = await res.json();
    } catch {
      /* a proxy's HTML error page: reported by status below */
    }
    return { ok: res.ok, status: res.status, body: json };
  }

  // -------------------------------------------------------- light markdown

  /** **bold** and `code` inside one line, as DOM nodes. */
  function inline(text) {
    const frag = document.createDocumentFragment();
    for (const part of String(text).split(/(\*\*[^*]+?\*\*|`[^`]+`)/)) {
      if (!part) continue;
      if (part.startsWith("**") && part.endsWith("**") && part.length > 4) frag.append(el("strong", { text: part.slice(2, -2) }));
      else if (part.startsWith("`") && part.endsWith("`") && part.length > 2) frag.append(el("code", { text: part.slice(1, -1) }));
      else frag.append(document.createTextNode(part));
    }
    return frag;
  }

  /** Lines to paragraphs, with runs of "- " lines as one list. */
  function lines(list) {
    const frag = document.createDocumentFragment();
    let ul = null;
    for (const line of list) {
      const item = /^\s*- (.*)$/.exec(line);
      if (item) {
        if (!ul) frag.append((ul = el("ul")));
        ul.append(el("li", null, inline(item[1])));
      } else {
        ul = null;
        frag.append(el("p", null, inline(line)));
      }
    }
    return frag;
  }

  // ----------------------------------------------------------- transcript

  function append(node) {
    $("transcript").append(node);
    // Instant, not smooth: a reply and its notices arrive together and must all end up in view.
    node.scrollIntoView({ block: "end" });
    return node;
  }

  function say(kind, ...children) {
    return append(el("li", { class: `msg ${kind}` }, el("div", { class: "bubble" }, ...children)));
  }

  function renderNotice(notice) {
    const to = notice.to.kind === "taskforce" ? t("taskforce") : t("liaisons")(notice.to.unit);
    return append(
      el("li", { class: "msg notice" },
        el("div", { class: "bubble" },
          el("span", { class: "notice-to", text: `${t("postTo")} ${to}` }),
          el("span", { class: "notice-text" }, inline(notice.text)))),
    );
  }

  function renderExample(example) {
    const code = el("code", { text: example });
    const copy = el("button", {
      type: "button", class: "small", text: t("copy"),
      onclick: async () => {
        try {
          await navigator.clipboard.writeText(example);
        } catch {
          // No clipboard API outside a secure context: select it so Ctrl+C works.
          getSelection().selectAllChildren(code);
        }
        copy.textContent = t("copied");
      },
    });
    const use = el("button", {
      type: "button", class: "small", text: t("useIt"),
      onclick: () => { $("line").value = example.split("\n")[0]; $("line").focus(); },
    });
    return el("div", { class: "example" }, el("div", { class: "example-head" }, el("span", { text: t("example") }), copy, use), el("pre", null, code));
  }

  function renderReply(reply, formNode) {
    const body = [el("p", { class: "title" }, inline(reply.title))];
    if (reply.duplicate) body.push(el("p", { class: "tag", text: t("duplicate") }));
    body.push(lines(reply.lines || []));
    const errors = Object.entries(reply.fieldErrors || {});
    if (errors.length) {
      body.push(el("p", { text: t("fieldProblems") }));
      body.push(el("ul", { class: "field-errors" }, ...errors.map(([field, msg]) => el("li", null, el("strong", { text: labelOf(formNode, field) }), ` ${msg}`))));
    }
    if (reply.example) body.push(renderExample(reply.example));
    if (reply.actions && reply.actions.length) {
      body.push(el("div", { class: "actions" }, ...reply.actions.map((a) =>
        el("button", { type: "button", class: "accent", text: a.label, onclick: () => openForm(parseActionValue(a.value)) }))));
    }
    say(`bot status-${reply.status}`, ...body);
    if (formNode && errors.length) markFieldErrors(formNode, reply.fieldErrors);
    if (reply.form) renderForm(reply.form);
    for (const n of reply.notices || []) renderNotice(n);
  }

  /**
   * An action's value says which form to open. We accept the opts as JSON or a
   * bare period ("2026-10"); anything else opens the default form.
   */
  function parseActionValue(value) {
    try {
      const v = JSON.parse(value);
      if (v && typeof v === "object") {
        const opts = {};
        for (const k of ["period", "unit", "plan", "mode"]) if (typeof v[k] === "string") opts[k] = v[k];
        return opts;
      }
    } catch {
      /* not JSON */
    }
    return /^\d{4}-\d{2}$/.test(value) ? { period: value } : {};
  }

  // ------------------------------------------------------------- sending

  /**
   * Sends one request. The event key is made once per message, so "Retry"
   * after a lost answer re-sends the same key and the core does not store twice.
   */
  async function send(path, body, onReply) {
    try {
      const res = await post(path, body);
      if (!res.ok) {
        const detail = res.body ? [res.body.message, ...(res.body.issues || []).map((i) => `${i.path}: ${i.message}`)].filter(Boolean).join("; ") : `HTTP ${res.status}`;
        say("bot status-error", el("p", { class: "title", text: t("serverError") + detail }));
        return false;
      }
      onReply(res.body);
      return true;
    } catch (e) {
      const li = say("bot status-error", el("p", { class: "title", text: t("failed") + (e && e.message ? e.message : e) }));
      li.querySelector(".bubble").append(el("button", {
        type: "button", class: "small", text: t("retry"),
        onclick: (ev) => { ev.currentTarget.remove(); void send(path, body, onReply); },
      }));
      return false;
    }
  }

  function sendText(text) {
    if (!state.who) return;
    say("user", text);
    void send("message", { userId: state.who.userId, text, eventKey: newEventKey(), lang: state.lang }, (reply) => renderReply(reply));
  }

  function openForm(opts) {
    if (!state.who) return;
    say("user", t("cmd_form"));
    void send("form", { userId: state.who.userId, opts: opts || {}, lang: state.lang }, (res) => {
      if (res && Array.isArray(res.indicators)) renderForm(res);
      else renderReply(res);
    });
  }

  // --------------------------------------------------------------- forms

  function renderForm(form) {
    const ids = (s) => `f-${Math.random().toString(36).slice(2, 8)}-${s}`;
    const node = el("form", { class: "report-form", novalidate: true });
    node.dataset.mode = form.mode;
    const fs = el("fieldset");
    fs.append(el("legend", null, el("strong", { text: form.labels.title }), el("span", { class: "form-meta", text: ` ${form.unit.name} · ${form.labels.period} ${form.period.label}` })));
    fs.append(el("p", { class: "field-error", "data-field": "period", hidden: true }));

    for (const ind of form.indicators) {
      const id = ids(ind.code);
      const hintId = `${id}-hint`;
      const field = el("div", { class: "field" },
        el("label", { for: id }, el("span", { text: ind.name }), el("span", { class: "unit", text: ind.unit ? `（${ind.unit}）` : "" })),
        el("div", { class: "input-unit" },
          el("input", { id, name: ind.code, type: "text", autocomplete: "off", value: ind.value || "", "aria-describedby": hintId, "data-code": ind.code }),
          ind.unit ? el("span", { class: "suffix", "aria-hidden": "true", text: ind.unit }) : null),
        el("p", { class: "hint", id: hintId, text: [ind.code, ind.last ? t("labelled")(t("last"), ind.last) : ""].filter(Boolean).join(" · ") }),
        el("p", { class: "field-error", "data-field": ind.code, hidden: true }));
      fs.append(field);
    }
    const narrative = [["progress", form.labels.progress], ["problems", form.labels.problems], ["nextSteps", form.labels.nextSteps]];
    if (form.mode === "correct") narrative.push(["reason", form.labels.reason]);
    for (const [key, label] of narrative) {
      const id = ids(key);
      fs.append(el("div", { class: "field" },
        el("label", { for: id, text: label }),
        el("textarea", { id, name: key, rows: 2, required: key === "reason", maxlength: key === "reason" ? 1000 : 4000 }, (form.narrative && form.narrative[key]) || ""),
        el("p", { class: "field-error", "data-field": key, hidden: true })));
    }
    const submit = el("button", { type: "submit", class: "primary", text: form.labels.submit });
    const cancel = el("button", { type: "button", text: t("cancel"), onclick: () => { fs.disabled = true; node.classList.add("closed"); } });
    fs.append(el("div", { class: "form-actions" }, submit, cancel));
    node.append(fs);

    node.addEventListener("submit", (ev) => {
      ev.preventDefault();
      if (fs.disabled) return;
      const data = new FormData(node);
      const values = {};
      for (const ind of form.indicators) {
        const v = String(data.get(ind.code) || "").trim();
        if (v) values[ind.code] = v;
      }
      const submission = { mode: form.mode, period: form.period.key, unit: form.unit.name, ...(form.plan ? { plan: form.plan.code } : {}), values };
      for (const [key] of narrative) {
        const v = String(data.get(key) || "").trim();
        if (v) submission[key] = v;
      }
      // One key per attempt: kept across a network retry, new after an answer.
      node.dataset.key = node.dataset.key || newEventKey();
      fs.disabled = true;
      submit.textContent = t("sending");
      clearFieldErrors(node);
      void send("submit", { userId: state.who.userId, form: submission, eventKey: node.dataset.key, lang: state.lang }, (reply) => {
        delete node.dataset.key;
        renderReply(reply, node);
        const done = reply.status === "ok";
        fs.disabled = done;
        submit.textContent = done ? t("submitted") : form.labels.submit;
        node.classList.toggle("done", done);
      }).then((ok) => {
        if (!ok && !node.classList.contains("done")) {
          fs.disabled = false;
          submit.textContent = form.labels.submit;
        }
      });
    });
    append(el("li", { class: "msg bot form" }, node));
    const first = node.querySelector("input, textarea");
    if (first) first.focus({ preventScroll: true });
    return node;
  }

  function labelOf(formNode, field) {
    const input = formNode && formNode.querySelector(`[name="${CSS.escape(field)}"]`);
    const label = input && formNode.querySelector(`label[for="${CSS.escape(input.id)}"]`);
    return label ? label.textContent : t("fields")[field] || field;
  }

  function clearFieldErrors(formNode) {
    for (const p of formNode.querySelectorAll(".field-error")) { p.hidden = true; p.textContent = ""; }
    for (const i of formNode.querySelectorAll("[aria-invalid]")) i.removeAttribute("aria-invalid");
  }

  /** Problems shown on the fields themselves, as Slack does with response_action: errors. */
  function markFieldErrors(formNode, fieldErrors) {
    let first = null;
    for (const [field, msg] of Object.entries(fieldErrors)) {
      const p = formNode.querySelector(`.field-error[data-field="${CSS.escape(field)}"]`);
      if (!p) continue;
      p.textContent = msg;
      p.hidden = false;
      p.id = p.id || `${formNode.querySelector("input, textarea").id}-err-${field}`;
      const input = formNode.querySelector(`[name="${CSS.escape(field)}"]`);
      if (input) {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", `${input.getAttribute("aria-describedby") || ""} ${p.id}`.trim());
        first = first || input;
      }
    }
    if (first) first.focus();
  }

  // ------------------------------------------------------------ identity

  function fillUnits(filter) {
    const select = $("unit");
    const previous = select.value;
    const f = filter.trim().toLowerCase();
    // Either script finds a unit: its aliases carry the Traditional forms (義烏 finds 义乌市).
    const matching = state.units.filter((u) => !f || [u.name, ...(Array.isArray(u.aliases) ? u.aliases : [])].some((n) => n.toLowerCase().includes(f)));
    select.replaceChildren();
    const groups = new Map();
    for (const u of matching) {
      if (!groups.has(u.kind)) {
        const label = t("kinds")[u.kind] || u.kind;
        groups.set(u.kind, select.appendChild(el("optgroup", { label })));
      }
      groups.get(u.kind).append(el("option", { value: u.name, text: u.name }));
    }
    if (!matching.length) select.append(el("option", { value: "", disabled: true, text: t("noMatch") }));
    // Keep the choice while it still matches; a filter with one clear hit selects it.
    if (matching.some((u) => u.name === previous)) select.value = previous;
    else if (matching.length && f) select.value = matching[0].name;
  }

  async function loadUnits() {
    try {
      const res = await fetch("/chat/api/units");
      const body = await res.json();
      state.units = Array.isArray(body.units) ? body.units : [];
    } catch (e) {
      showIdentityError(t("serverError") + (e && e.message ? e.message : e));
    }
    fillUnits($("unit-filter").value);
    const saved = JSON.parse(localStorage.getItem("duban.identity") || "null");
    if (saved) {
      const radio = document.querySelector(`input[name="role"][value="${CSS.escape(saved.role)}"]`);
      if (radio) radio.checked = true;
      if (state.units.some((u) => u.name === saved.unit)) $("unit").value = saved.unit;
    }
  }

  function showIdentityError(text) {
    const p = $("identity-error");
    p.textContent = text;
    p.hidden = !text;
  }

  async function chooseIdentity(ev) {
    ev.preventDefault();
    const role = document.querySelector('input[name="role"]:checked').value;
    const unit = $("unit").value;
    if (!unit) return showIdentityError(t("pickUnit"));
    showIdentityError("");
    let res;
    try {
      res = await post("identity", { role, unit });
    } catch (e) {
      return showIdentityError(t("failed") + (e && e.message ? e.message : e));
    }
    if (!res.ok || !res.body || !res.body.userId) return showIdentityError(t("serverError") + ((res.body && res.body.message) || `HTTP ${res.status}`));
    state.who = { userId: res.body.userId, role, unit };
    localStorage.setItem("duban.identity", JSON.stringify({ role, unit }));
    $("identity").hidden = true;
    $("chat").hidden = false;
    $("composer").hidden = false;
    $("who-button").hidden = false;
    updateWho();
    say("system", WORDS[state.lang].youAre(t(`role_${role}`), unit));
    $("line").focus();
  }

  function updateWho() {
    if (state.who) $("who-label").textContent = `${t(`role_${state.who.role}`)} · ${state.who.unit}`;
  }

  function switchIdentity() {
    state.who = null;
    $("identity").hidden = false;
    $("chat").hidden = true;
    $("composer").hidden = true;
    $("who-button").hidden = true;
    $("transcript").replaceChildren();
    $("unit-filter").focus();
  }

  // ------------------------------------------------------------ language

  function applyLang() {
    document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
    document.title = state.lang === "zh" ? "督办 · 本地聊天" : "Duban · local chat";
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    for (const node of document.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = t(node.dataset.i18nPlaceholder);
    for (const node of document.querySelectorAll("[data-i18n-aria-label]")) node.setAttribute("aria-label", t(node.dataset.i18nAriaLabel));
    const toggle = $("lang-toggle");
    toggle.textContent = state.lang === "zh" ? "EN" : "中文";
    toggle.lang = state.lang === "zh" ? "en" : "zh-CN";
    toggle.setAttribute("aria-label", state.lang === "zh" ? "English" : "中文");
    if (state.units.length) fillUnits($("unit-filter").value);
    updateWho();
  }

  // --------------------------------------------------------------- wiring

  document.addEventListener("DOMContentLoaded", () => {
    applyLang();
    $("lang-toggle").addEventListener("click", () => {
      state.lang = state.lang === "zh" ? "en" : "zh";
      localStorage.setItem("duban.lang", state.lang);
      applyLang();
    });
    $("unit-filter").addEventListener("input", (e) => fillUnits(e.target.value));
    $("identity-form").addEventListener("submit", chooseIdentity);
    $("who-button").addEventListener("click", switchIdentity);
    $("line-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const input = $("line");
      const text = input.value.trim();
      if (!text) return;
      input.value = "";
      sendText(text);
    });
    for (const b of document.querySelectorAll(".quick button")) {
      b.addEventListener("click", () => {
        const cmd = b.dataset.command;
        if (cmd === "form") openForm({});
        else sendText(COMMANDS[state.lang][cmd]);
      });
    }
    void loadUnits();
  });
})();
