// DOM helpers and Korean formatting. Every piece of API text goes in as a text node, never as
// markup: h() has no way to set innerHTML. The one exception is serverMarkup(), for the search
// highlights the server escapes itself.

const SVG_NS = "http://www.w3.org/2000/svg";

function build(element, attrs, children) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (name === "dataset") {
      Object.assign(element.dataset, value);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** h("a", {href: "#/x", class: "link"}, "text", otherNode) */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/**
 * An element holding a search highlight (`highlights.title` / `highlights.description`) as HTML.
 * Safe ONLY because the server HTML-escapes everything in a highlight except the <mark> tags it
 * adds around the matches. Never pass any other field, or any text the server did not mark up.
 */
export function serverMarkup(tag, attrs, highlight) {
  const element = h(tag, attrs);
  element.innerHTML = highlight;
  return element;
}

export function svg(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

export function clear(element) {
  element.replaceChildren();
  return element;
}

export function loading(text = "불러오는 중…") {
  return h("p", { class: "loading", role: "status" }, text);
}

/** An error box with the API's message and, when given, a retry button. */
export function errorBox(error, retry) {
  const message = error && error.message ? error.message : String(error);
  return h(
    "div",
    { class: "alert alert-error", role: "alert" },
    h("strong", {}, "불러오지 못했습니다. "),
    h("span", { class: "alert-message" }, message),
    retry ? h("button", { type: "button", class: "button button-small", onclick: retry }, "다시 시도") : null,
  );
}

let idCounter = 0;
export function uid(prefix) {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

// --- formatting (everything shown in Korean time) -------------------------------------------

const TZ = "Asia/Seoul";
const dateTimeFormat = new Intl.DateTimeFormat("ko-KR", {
  timeZone: TZ, year: "numeric", month: "2-digit", day: "2-digit",
  hour: "2-digit", minute: "2-digit", hour12: false,
});
const numberFormat = new Intl.NumberFormat("ko-KR");

export function formatDateTime(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const part = Object.fromEntries(dateTimeFormat.formatToParts(date).map((p) => [p.type, p.value]));
  return `${part.year}.${part.month}.${part.day} ${part.hour}:${part.minute}`;
}

export function formatDate(isoDate) {
  return isoDate ? String(isoDate).replaceAll("-", ".") : "—";
}

export function formatNumber(value) {
  return value === null || value === undefined ? "—" : numberFormat.format(value);
}

export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds < 60) return `${seconds.toFixed(1)}초`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds % 60);
  if (minutes < 60) return `${minutes}분 ${rest}초`;
  return `${Math.floor(minutes / 60)}시간 ${minutes % 60}분`;
}

/** "3분 전", "2시간 후" relative to now, for times near now. */
export function relativeTime(iso) {
  if (!iso) return "";
  const diff = (new Date(iso).getTime() - Date.now()) / 1000;
  if (Number.isNaN(diff)) return "";
  const abs = Math.abs(diff);
  const suffix = diff < 0 ? "전" : "후";
  if (abs < 60) return diff < 0 ? "방금" : "곧";
  if (abs < 3600) return `${Math.round(abs / 60)}분 ${suffix}`;
  if (abs < 86400) return `${Math.round(abs / 3600)}시간 ${suffix}`;
  return `${Math.round(abs / 86400)}일 ${suffix}`;
}

// --- vocabulary -----------------------------------------------------------------------------

export const PORTALS = {
  bizinfo: "기업마당",
  kstartup: "K-Startup",
  mss: "중소벤처기업부",
};

export function portalLabel(portalId) {
  return PORTALS[portalId] || portalId;
}

export const PROGRAM_STATUS = {
  open: "접수중",
  upcoming: "접수예정",
  closed: "마감",
  rolling: "상시",
  unknown: "미정",
};

export const RUN_STATUS = {
  running: "실행 중",
  succeeded: "성공",
  partial: "일부 실패",
  failed: "실패",
  abandoned: "중단됨",
  cancelled: "취소됨",
  skipped: "건너뜀",
};

export const RUN_TRIGGER = {
  schedule: "예약",
  manual: "수동",
  cli: "명령줄",
  import: "가져오기",
};

export function badge(text, kind) {
  return h("span", { class: `badge badge-${kind}` }, text);
}

export function runStatusBadge(status) {
  if (!status) return badge("기록 없음", "muted");
  const kind = {
    succeeded: "ok", running: "info", partial: "warn", failed: "error",
    abandoned: "error", cancelled: "muted", skipped: "muted",
  }[status] || "muted";
  return badge(RUN_STATUS[status] || status, kind);
}

/** Days-left badge: 마감 임박 (red) within a week of the deadline. */
export function dDayBadge(program) {
  const d = program.d_day;
  if (program.status === "closed") return badge("마감", "muted");
  if (program.status === "upcoming") return badge("접수예정", "info");
  if (d === null || d === undefined) {
    return badge(PROGRAM_STATUS[program.status] || "미정", program.status === "rolling" ? "ok" : "muted");
  }
  const label = d === 0 ? "D-Day" : `D-${d}`;
  if (d <= 7) {
    return h("span", { class: "badge badge-urgent", title: "마감 임박" }, label, h("span", { class: "badge-note" }, " 마감 임박"));
  }
  return badge(label, "ok");
}

/** The URL when it is http(s), else null: API text never becomes a javascript: link. */
export function safeUrl(url) {
  if (!url) return null;
  try {
    const parsed = new URL(url, window.location.origin);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/** A link that leaves the dashboard (new tab), or plain text when the URL is not http(s). */
export function externalLink(url, text) {
  const href = safeUrl(url);
  if (!href) return h("span", { class: "muted" }, text === undefined ? "—" : text);
  return h("a", { href, target: "_blank", rel: "noopener noreferrer", class: "external" }, text === undefined ? href : text,
    h("span", { class: "visually-hidden" }, " (새 창)"));
}
