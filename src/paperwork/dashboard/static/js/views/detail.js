// 지원사업 상세: every field, the AI summary, attachments, change history and the same program on
// other portals.

import { ApiError, admin, get } from "../api.js";
import {
  PROGRAM_STATUS, badge, dDayBadge, errorBox, externalLink, formatDate, formatDateTime, h, loading,
  portalLabel,
} from "../dom.js";

const PERIOD_KIND = {
  dated: "기간 지정",
  rolling: "상시",
  until_budget: "예산 소진시까지",
  tba: "추후 공지",
  unknown: "알 수 없음",
};

// Names of the fields a change record can name (models.SupportProgram), for the history table.
const FIELD_LABELS = {
  title: "제목",
  implementing_agency: "기관",
  application_period: "신청기간",
  application_status: "접수 상태",
  support_field: "분야",
  support_amount: "지원금액",
  description: "사업 내용",
  target_audience: "지원 대상",
  region: "지역",
  detail_url: "원문 주소",
  apply_start: "신청 시작일",
  apply_end: "마감일",
  period_kind: "기간 유형",
  attachments: "첨부파일",
  required_documents: "제출서류",
  evaluation_criteria: "평가기준",
};

function entry(label, ...value) {
  return h("div", { class: "detail-row" }, h("dt", {}, label), h("dd", {}, ...value));
}

function list(items, empty) {
  if (!items || !items.length) return h("p", { class: "muted" }, empty);
  return h("ul", { class: "plain-list" }, items.map((item) => h("li", {}, item)));
}

function section(title, ...body) {
  return h("section", { class: "panel" }, h("h2", {}, title), ...body);
}

function changes(program) {
  if (!program.changes.length) return h("p", { class: "muted" }, "변경 이력이 없습니다.");
  return h(
    "div",
    { class: "table-wrap" },
    h("table", { class: "table table-cards changes-table" },
      h("caption", { class: "visually-hidden" }, "변경 이력 (최신순)"),
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, "변경 시각"), h("th", { scope: "col" }, "항목"),
        h("th", { scope: "col" }, "이전 값"), h("th", { scope: "col" }, "새 값"))),
      h("tbody", {}, program.changes.map((change) => h("tr", {},
        h("td", { "data-label": "변경 시각" }, formatDateTime(change.changed_at)),
        h("td", { "data-label": "항목" }, FIELD_LABELS[change.field] || change.field),
        h("td", { "data-label": "이전 값", class: "change-value" }, change.from ?? "—"),
        h("td", { "data-label": "새 값", class: "change-value" }, change.to ?? "—"))))),
  );
}

function alsoOn(program) {
  if (!program.also_on.length) return h("p", { class: "muted" }, "다른 포털에 같은 공고가 없습니다.");
  return h(
    "ul",
    { class: "plain-list also-on" },
    program.also_on.map((other) => h("li", {},
      h("a", { href: `#/programs/${other.id}` }, `${portalLabel(other.portal_id)}: ${other.title}`),
      " ", dDayBadge(other))),
  );
}

// The AI summary's fields (api: SummaryRead), in the order a founder reads them.
const SUMMARY_FIELDS = [
  ["target", "지원대상"],
  ["excluded", "제외대상"],
  ["support", "지원내용"],
  ["amount", "지원규모(금액)"],
  ["period", "신청기간"],
  ["how_to_apply", "신청방법"],
  ["contact", "문의처"],
];

function summaryBody(summary) {
  if (!summary) return [h("p", { class: "muted" }, "아직 AI 요약이 없습니다.")];
  const stale = summary.current ? [] : [h("p", { class: "alert alert-warning", role: "note" },
    "공고 내용이 이 요약을 만든 뒤에 바뀌었습니다. 새로 요약하려면 버튼을 누르세요.")];
  return [
    ...stale,
    h("p", { class: "summary-text" }, summary.summary),
    h("dl", { class: "detail-list summary-fields" },
      SUMMARY_FIELDS.map(([key, label]) => entry(label, summary[key] || "—"))),
    h("p", { class: "hint" }, `${summary.provider} · ${summary.model} · ${formatDateTime(summary.created_at)}`),
  ];
}

// "AI 요약": the stored summary, and a button that makes one (the server answers the stored one
// without a call while the announcement is unchanged).
function summarySection(program) {
  const body = h("div", { class: "summary-body" }, ...summaryBody(program.summary));
  const outcome = h("p", { class: "summary-outcome", role: "status" });
  const button = h("button", { type: "button", class: "button" }, "AI 요약");
  button.addEventListener("click", async () => {
    button.disabled = true;
    outcome.className = "summary-outcome muted";
    outcome.textContent = "요약하는 중…";
    try {
      const summary = await admin("POST", `/api/v1/programs/${program.id}/summary`);
      body.replaceChildren(...summaryBody(summary));
      outcome.textContent = "";
    } catch (error) {
      outcome.className = "summary-outcome error-text";
      outcome.textContent = error.cancelled ? error.message : `요약하지 못했습니다: ${error.message}`;
    } finally {
      button.disabled = false;
    }
  });
  return section("AI 요약", body, h("div", { class: "summary-actions" }, button, outcome));
}

function remaining(program) {
  if (program.d_day === null) return "—";
  if (program.d_day < 0) return `${-program.d_day}일 지남`;
  return program.d_day === 0 ? "오늘 마감" : `${program.d_day}일`;
}

function content(program) {
  const dates = program.apply_start || program.apply_end
    ? `${formatDate(program.apply_start)} ~ ${formatDate(program.apply_end)}`
    : null;
  const kind = PERIOD_KIND[program.period_kind] || program.period_kind;
  const label = portalLabel(program.portal_id);
  const portalName = label === program.portal_name ? label : `${label} (${program.portal_name})`;
  return [
    h("p", { class: "detail-badges" },
      h("span", { class: "badge badge-info" }, label),
      h("span", { class: "badge badge-muted" }, PROGRAM_STATUS[program.status] || program.status),
      program.status === "open" && program.d_day !== null ? dDayBadge(program) : null),
    section("기본 정보", h("dl", { class: "detail-list" },
      entry("포털", portalName),
      entry("기관", program.agency || "—"),
      entry("분야", program.category || "—"),
      entry("지역", program.region || "—"),
      entry("지원 대상", program.target || "—"),
      entry("지원금액", program.amount || "—"),
      entry("신청기간 (공고 원문)", program.period || "—"),
      entry("신청기간 (해석)", dates ? `${dates} · ${kind}` : kind),
      entry("남은 기간", remaining(program)),
      entry("품질 점수", program.quality_score === null ? "—" : `${program.quality_score} / 10`),
      entry("수집", formatDateTime(program.scraped_at)),
      entry("갱신", formatDateTime(program.updated_at)),
      entry("원문", externalLink(program.url, program.url || "—")),
      entry("수집 원본", program.raw_url ? externalLink(program.raw_url, `원본 기록 #${program.raw_id ?? "?"}`) : "—"),
    )),
    summarySection(program),
    section("사업 내용", program.description
      ? h("p", { class: "description" }, program.description)
      : h("p", { class: "muted" }, "내용이 없습니다.")),
    section("제출서류", list(program.required_documents, "제출서류 정보가 없습니다.")),
    section("평가기준", list(program.evaluation_criteria, "평가기준 정보가 없습니다.")),
    section("첨부파일", program.attachments.length
      ? h("ul", { class: "plain-list attachments" }, program.attachments.map(attachmentItem))
      : h("p", { class: "muted" }, "첨부파일이 없습니다.")),
    section("변경 이력", changes(program)),
    section("다른 포털의 같은 공고", alsoOn(program)),
  ];
}

// What became of an attachment: its fetch, then (once stored) its text.
const ATTACHMENT_STATE = {
  pending: ["받기 전", "muted"],
  blocked: ["받지 않음 (robots.txt·외부 주소)", "warn"],
  too_large: ["20MB 초과", "warn"],
  failed: ["받기 실패", "error"],
  text_pending: ["텍스트 추출 대기", "muted"],
  text_extracted: ["텍스트 추출됨", "ok"],
  text_unsupported: ["읽을 수 없는 형식", "muted"],
  text_needs_ocr: ["스캔 문서 (OCR 필요)", "warn"],
  text_failed: ["텍스트 추출 실패", "error"],
};

function attachmentItem(file) {
  const state = file.status === "fetched" ? `text_${file.extraction || "pending"}` : file.status;
  const [label, kind] = ATTACHMENT_STATE[state] || [state, "muted"];
  const source = externalLink(file.url, file.name);
  source.classList.add("source");
  const reason = file.extraction === "failed" ? file.extraction_error : file.error;
  return h("li", { class: "attachment" },
    source, " ", badge(label, kind),
    file.file_url ? h("a", { href: file.file_url, class: "stored", download: "" }, "저장본") : null,
    file.text_url ? h("a", { href: file.text_url, class: "text", target: "_blank", rel: "noopener" }, "추출 텍스트") : null,
    reason ? h("span", { class: "muted attachment-reason" }, reason) : null);
}

export async function renderDetail(view, { params }) {
  const id = params[0];
  const heading = h("h1", { tabindex: "-1" }, "지원사업 상세");
  const body = h("div", {}, loading());
  view.append(h("p", { class: "back" }, h("a", { href: "#/programs" }, "← 지원사업 목록")), heading, body);

  for (;;) {
    try {
      const program = await get(`/api/v1/programs/${encodeURIComponent(id)}`);
      heading.textContent = program.title;
      document.title = `${program.title} · Paperwork AI 관리자`;
      body.replaceChildren(...content(program));
      return null;
    } catch (error) {
      const shown = error instanceof ApiError && error.status === 404
        ? new ApiError(`지원사업 #${id}을(를) 찾을 수 없습니다. (${error.message})`, 404)
        : error;
      // Wait for "다시 시도", then ask again.
      await new Promise((retry) => body.replaceChildren(errorBox(shown, retry)));
      body.replaceChildren(loading());
    }
  }
}
