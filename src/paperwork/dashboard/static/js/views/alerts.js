// 알림: the saved searches that notify (/api/v1/alerts), each with its state, channels (masked
// by the API), last delivery, a test send with every channel's outcome, its delivery log, pause
// and delete; and a form to make one, with the number of programs its search matches now.
// Every call carries the token (an admin token sees every owner's alerts).

import { ApiError, admin, get } from "../api.js";
import { badge, errorBox, formatDateTime, formatNumber, h, loading, uid } from "../dom.js";

const WEEKDAYS = ["월", "화", "수", "목", "금", "토", "일"];
const STATES = { ok: ["정상", "ok"], degraded: ["오류", "error"], paused: ["일시정지", "muted"] };
const NOTIFY = { new: "새 공고", changed: "변경된 공고", reminders: "마감 알림" };
const KINDS = { new: "새 공고", changed: "변경", reminder: "마감 알림", reminders: "마감 알림", test: "테스트" };
const DELIVERY_STATUS = {
  pending: ["대기", "info"], sending: ["발송 중", "info"], sent: ["발송됨", "ok"], failed: ["실패", "error"],
};
const COUNT_DELAY_MS = 300;

/** `q=창업 · region=서울`: the saved search's parameters as given. */
export function querySummary(query) {
  const parts = [];
  for (const [name, value] of Object.entries(query || {})) {
    const text = Array.isArray(value) ? value.join(",") : value;
    if (text === null || text === undefined || text === "" || text === false) continue;
    parts.push(`${name}=${text}`);
  }
  return parts.length ? parts.join(" · ") : "전체 공고";
}

export function frequencyText(alert) {
  const at = alert.at || "09:00";
  if (alert.frequency === "daily") return `매일 ${at}`;
  if (alert.frequency === "weekly") return `매주 ${WEEKDAYS[alert.weekday ?? 0] || alert.weekday} ${at}`;
  return "즉시";
}

function stateBadge(state) {
  const [label, kind] = STATES[state] || [state, "muted"];
  return h("span", { class: `badge badge-${kind} alert-state alert-state-${kind}`, dataset: { state } }, label);
}

function deliveryBadge(status) {
  const [label, kind] = DELIVERY_STATUS[status] || [status, "muted"];
  return badge(label, kind);
}

function failure(error) {
  if (error instanceof ApiError && error.cancelled) return "토큰을 입력하지 않아 취소했습니다.";
  return error && error.message ? error.message : String(error);
}

function errorLine(prefix, error) {
  return h("p", { class: "alert alert-error", role: "alert" }, prefix, h("span", { class: "alert-message" }, failure(error)));
}

// --- the table ------------------------------------------------------------------------------

function alertRow(alert, actions) {
  const last = h("td", { "data-label": "최근 발송", class: "last-delivery" }, h("span", { class: "muted" }, "…"));
  const outcome = h("div", { class: "test-outcome", "aria-live": "polite" });
  const testButton = h("button", { type: "button", class: "button button-small" }, "테스트 발송");
  testButton.addEventListener("click", () => actions.test(alert, testButton, outcome));
  const row = h(
    "tr",
    { dataset: { id: String(alert.id), state: alert.state } },
    h("td", { "data-label": "이름", class: "alert-name" }, alert.name),
    h("td", { "data-label": "소유자" }, alert.owner),
    h("td", { "data-label": "검색 조건", class: "alert-query" }, querySummary(alert.query)),
    h("td", { "data-label": "빈도", class: "nowrap" }, frequencyText(alert)),
    h("td", { "data-label": "상태" }, stateBadge(alert.state)),
    h("td", { "data-label": "채널", class: "alert-channels" },
      h("ul", { class: "plain-list channel-list" }, alert.channels.map((channel) => h("li", {}, h("code", {}, channel))))),
    last,
    h("td", { "data-label": "작업", class: "alert-actions-cell" },
      h("div", { class: "alert-actions" },
        testButton,
        h("button", { type: "button", class: "button button-small", onclick: () => actions.deliveries(alert) }, "발송 기록"),
        h("button", { type: "button", class: "button button-small", onclick: (event) => actions.toggle(alert, event.currentTarget) },
          alert.active ? "일시정지" : "재개"),
        h("button", { type: "button", class: "button button-small button-danger", onclick: (event) => actions.remove(alert, event.currentTarget) }, "삭제")),
      outcome),
  );
  return { row, last };
}

function fillLast(cell, page) {
  const item = page && page.items && page.items[0];
  if (!item) {
    cell.replaceChildren(h("span", { class: "muted" }, "없음"));
    return;
  }
  cell.replaceChildren(deliveryBadge(item.status), " ", h("span", { class: "nowrap" }, formatDateTime(item.sent_at || item.created_at)));
}

function outcomeList(result) {
  return h(
    "ul",
    { class: "plain-list outcome-list" },
    result.outcomes.map((outcome) => h(
      "li",
      { class: outcome.delivered ? "outcome-ok" : "outcome-failed", dataset: { delivered: String(outcome.delivered) } },
      h("span", { class: "outcome-mark", "aria-hidden": "true" }, outcome.delivered ? "✓" : "✗"),
      h("span", { class: "visually-hidden" }, outcome.delivered ? "성공: " : "실패: "),
      " ", h("code", {}, outcome.channel),
      outcome.delivered ? null : h("span", { class: "outcome-error" }, ` — ${outcome.error || "알 수 없는 오류"}`),
    )),
  );
}

function deliveriesTable(page) {
  if (!page.items.length) return h("p", { class: "empty" }, "발송 기록이 없습니다.");
  const columns = ["시각", "종류", "제목", "상태", "시도", "오류"];
  return h("div", { class: "table-wrap" },
    h("table", { class: "table table-cards deliveries-table" },
      h("caption", { class: "visually-hidden" }, "발송 기록 (최신순)"),
      h("thead", {}, h("tr", {}, columns.map((column) => h("th", { scope: "col" }, column)))),
      h("tbody", {}, page.items.map((item) => h(
        "tr",
        { dataset: { id: String(item.id), status: item.status } },
        h("td", { "data-label": "시각", class: "nowrap" }, formatDateTime(item.sent_at || item.created_at)),
        h("td", { "data-label": "종류" }, KINDS[item.kind] || item.kind),
        h("td", { "data-label": "제목" }, item.title),
        h("td", { "data-label": "상태" }, deliveryBadge(item.status)),
        h("td", { "data-label": "시도", class: "num" }, formatNumber(item.attempts)),
        h("td", { "data-label": "오류", class: "error-cell" }, item.last_error ? h("span", { class: "error-text" }, item.last_error) : "—"),
      )))));
}

// --- the form -------------------------------------------------------------------------------

function textField(label, name, attrs = {}) {
  const id = uid("alert");
  const input = h("input", { id, name, type: "text", autocomplete: "off", ...attrs });
  return { input, node: h("div", { class: "field" }, h("label", { for: id }, label), input) };
}

function checkField(label, name, value, checked) {
  const id = uid("alert");
  const input = h("input", { id, name, type: "checkbox", value, checked });
  return { input, node: h("div", { class: "field field-check" }, input, h("label", { for: id }, label)) };
}

function alertForm(onCreated) {
  const name = textField("이름", "name", { required: true, maxlength: "100", placeholder: "서울 창업 지원" });
  const q = textField("검색어", "q", { maxlength: "200", placeholder: "창업" });
  const region = textField("지역", "region", { maxlength: "100", placeholder: "서울" });
  const open = checkField("접수중인 공고만", "status", "open", true);
  const channelsId = uid("alert");
  const channels = h("textarea", {
    id: channelsId, name: "channels", rows: "3", spellcheck: "false", autocomplete: "off",
    placeholder: "json://hooks.example.com/paperwork\nmailtos://me:app-password@gmail.com",
  });
  const notify = Object.entries(NOTIFY).map(([value, label]) => checkField(label, "notify", value, value === "new"));
  const frequencyId = uid("alert");
  const frequency = h("select", { id: frequencyId, name: "frequency" },
    h("option", { value: "instant" }, "즉시"), h("option", { value: "daily" }, "매일"), h("option", { value: "weekly" }, "매주"));
  const at = textField("시각", "at", { type: "time", value: "09:00" });
  const weekdayId = uid("alert");
  const weekday = h("select", { id: weekdayId, name: "weekday" },
    WEEKDAYS.map((day, index) => h("option", { value: String(index) }, `${day}요일`)));
  const weekdayField = h("div", { class: "field" }, h("label", { for: weekdayId }, "요일"), weekday);
  const matches = h("p", { class: "match-count", role: "status", "aria-live": "polite" });
  const status = h("p", { class: "form-status", role: "status" });
  const alert = h("div", { class: "form-alert" });
  const save = h("button", { type: "submit", class: "button button-primary" }, "알림 만들기");

  const showSchedule = () => {
    at.node.hidden = frequency.value === "instant";
    weekdayField.hidden = frequency.value !== "weekly";
  };
  frequency.addEventListener("change", showSchedule);
  showSchedule();

  // "지금 일치하는 공고: N건", a moment after the typing stops; an older answer never wins.
  let timer = 0;
  let asked = 0;
  const countMatches = async () => {
    asked += 1;
    const mine = asked;
    try {
      const page = await get("/api/v1/programs", {
        q: q.input.value.trim(), region: region.input.value.trim(), status: open.input.checked ? "open" : "", limit: 1,
      });
      if (mine !== asked) return;
      const more = page.total_relation === "gte" ? " 이상" : "";
      matches.textContent = `지금 일치하는 공고: ${formatNumber(page.total)}건${more}`;
      matches.classList.remove("error-text");
    } catch (error) {
      if (mine !== asked) return;
      matches.textContent = `일치하는 공고 수를 알 수 없습니다: ${failure(error)}`;
      matches.classList.add("error-text");
    }
  };
  const scheduleCount = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(countMatches, COUNT_DELAY_MS);
  };
  q.input.addEventListener("input", scheduleCount);
  region.input.addEventListener("input", scheduleCount);
  open.input.addEventListener("change", scheduleCount);

  const form = h(
    "form",
    { class: "alert-form", novalidate: true, "aria-labelledby": "alert-form-title" },
    h("div", { class: "config-grid" }, name.node, q.node, region.node, open.node),
    matches,
    h("div", { class: "field alert-channels-field" },
      h("label", { for: channelsId }, "채널"), channels,
      h("span", { class: "hint" }, "Apprise URL을 한 줄에 하나씩 (json://, mailtos://, slack://, tgram:// …)")),
    h("fieldset", { class: "alert-notify" }, h("legend", {}, "알림 종류"), notify.map((item) => item.node)),
    h("div", { class: "config-grid" },
      h("div", { class: "field" }, h("label", { for: frequencyId }, "빈도"), frequency), at.node, weekdayField),
    h("div", { class: "form-actions" }, save, status),
    alert,
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.textContent = "";
    alert.replaceChildren();
    const lines = channels.value.split("\n").map((line) => line.trim()).filter(Boolean);
    const kinds = notify.filter((item) => item.input.checked).map((item) => item.input.value);
    const problem = !name.input.value.trim() ? [name.input, "이름을 입력하세요."]
      : !lines.length ? [channels, "채널을 하나 이상 입력하세요."]
        : !kinds.length ? [notify[0].input, "알림 종류를 하나 이상 고르세요."] : null;
    if (problem) {
      alert.replaceChildren(h("p", { class: "alert alert-error", role: "alert" }, problem[1]));
      problem[0].focus();
      return;
    }
    const query = {};
    if (q.input.value.trim()) query.q = q.input.value.trim();
    if (region.input.value.trim()) query.region = [region.input.value.trim()];
    if (open.input.checked) query.status = ["open"];
    const body = { name: name.input.value.trim(), query, channels: lines, notify: kinds, frequency: frequency.value, active: true };
    if (frequency.value !== "instant" && at.input.value) body.at = at.input.value.slice(0, 5);
    if (frequency.value === "weekly") body.weekday = Number(weekday.value);
    save.disabled = true;
    form.setAttribute("aria-busy", "true");
    status.textContent = "만드는 중…";
    try {
      const created = await admin("POST", "/api/v1/alerts", body);
      name.input.value = "";
      channels.value = "";
      status.textContent = `알림 "${created.name}"을(를) 만들었습니다.`;
      await onCreated(created);
    } catch (error) {
      // What was typed stays; the server's reason (a bad channel names which one) is shown.
      status.textContent = "";
      const prefix = error instanceof ApiError && error.status === 422 ? "서버가 값을 거부했습니다: " : "만들지 못했습니다: ";
      alert.replaceChildren(errorLine(prefix, error));
    } finally {
      save.disabled = false;
      form.removeAttribute("aria-busy");
    }
  });

  countMatches();
  return {
    node: h("section", { class: "panel alert-form-panel", "aria-labelledby": "alert-form-title" },
      h("h2", { id: "alert-form-title" }, "새 알림"), form),
    destroy: () => window.clearTimeout(timer),
  };
}

// --- the view -------------------------------------------------------------------------------

export async function renderAlerts(view) {
  const message = h("div", { class: "alerts-message", "aria-live": "polite" });
  const body = h("div", { class: "alerts-list" }, loading("알림을 불러오는 중…"));
  const log = h("section", { class: "panel deliveries-panel", "aria-labelledby": "deliveries-title", hidden: true });
  let destroyed = false;

  const actions = {
    async test(alert, button, outcome) {
      button.disabled = true;
      outcome.replaceChildren(h("span", { class: "muted" }, "보내는 중…"));
      try {
        const result = await admin("POST", `/api/v1/alerts/${alert.id}/test`);
        outcome.replaceChildren(
          h("p", { class: "outcome-summary" }, `성공 ${formatNumber(result.delivered)} · 실패 ${formatNumber(result.failed)}`),
          outcomeList(result));
      } catch (error) {
        outcome.replaceChildren(h("p", { class: "error-text", role: "alert" }, `보내지 못했습니다: ${failure(error)}`));
      } finally {
        button.disabled = false;
      }
    },
    async deliveries(alert) {
      const title = h("h2", { id: "deliveries-title", tabindex: "-1" }, `발송 기록 — ${alert.name}`);
      log.hidden = false;
      log.replaceChildren(title, loading("발송 기록을 불러오는 중…"));
      title.focus();
      try {
        const page = await admin("GET", `/api/v1/alerts/${alert.id}/deliveries?limit=50`);
        log.replaceChildren(title, deliveriesTable(page),
          h("button", { type: "button", class: "button button-small", onclick: () => { log.hidden = true; } }, "닫기"));
      } catch (error) {
        log.replaceChildren(title, errorBox(error, () => actions.deliveries(alert)));
      }
    },
    async toggle(alert, button) {
      button.disabled = true;
      try {
        await admin("PATCH", `/api/v1/alerts/${alert.id}`, { active: !alert.active });
        message.replaceChildren();
        await load();
      } catch (error) {
        button.disabled = false;
        message.replaceChildren(errorLine("바꾸지 못했습니다: ", error));
      }
    },
    async remove(alert, button) {
      if (!window.confirm(`알림 "${alert.name}"을(를) 삭제할까요? 발송 기록도 함께 지워집니다.`)) return;
      button.disabled = true;
      try {
        await admin("DELETE", `/api/v1/alerts/${alert.id}`);
        message.replaceChildren(h("p", { class: "form-status", role: "status" }, `알림 "${alert.name}"을(를) 삭제했습니다.`));
        log.hidden = true;
        await load();
      } catch (error) {
        button.disabled = false;
        message.replaceChildren(errorLine("삭제하지 못했습니다: ", error));
      }
    },
  };

  async function load() {
    let list;
    try {
      list = await admin("GET", "/api/v1/alerts?limit=100");
    } catch (error) {
      body.replaceChildren(errorBox(error, load));
      return;
    }
    if (destroyed) return;
    if (!list.items.length) {
      body.replaceChildren(h("p", { class: "empty" }, "알림이 없습니다. 아래에서 만들 수 있습니다."));
      return;
    }
    const rows = list.items.map((alert) => ({ alert, ...alertRow(alert, actions) }));
    const columns = ["이름", "소유자", "검색 조건", "빈도", "상태", "채널", "최근 발송", "작업"];
    const table = h("table", { class: "table table-cards alerts-table", "aria-busy": "true" },
      h("caption", { class: "visually-hidden" }, "알림 목록"),
      h("thead", {}, h("tr", {}, columns.map((column) => h("th", { scope: "col" }, column)))),
      h("tbody", {}, rows.map((item) => item.row)));
    body.replaceChildren(
      h("p", { class: "result-summary" }, `알림 ${formatNumber(list.total)}개`),
      h("div", { class: "table-wrap" }, table));
    // The last delivery of each alert, one small request each (fine for a dashboard).
    await Promise.all(rows.map(async ({ alert, last }) => {
      try {
        fillLast(last, await admin("GET", `/api/v1/alerts/${alert.id}/deliveries?limit=1`));
      } catch (error) {
        last.replaceChildren(h("span", { class: "error-text" }, failure(error)));
      }
    }));
    table.removeAttribute("aria-busy");
  }

  const form = alertForm(() => load());
  view.append(
    h("h1", { tabindex: "-1" }, "알림"),
    h("p", { class: "hint" }, "저장된 검색 조건에 맞는 공고가 생기면 채널로 알립니다. 관리자 토큰이 필요하며, 관리자는 모든 소유자의 알림을 봅니다. 채널의 비밀 값은 가려서 보여 줍니다."),
    message,
    body,
    log,
    form.node,
  );
  await load();
  return { destroy: () => { destroyed = true; form.destroy(); } };
}
