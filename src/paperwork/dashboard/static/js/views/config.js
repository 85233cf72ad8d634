// 수집 설정: one form per portal with the API's bounds checked as you type (Korean messages),
// only the changed fields sent with PUT /scraping-config/{portal_id}, and the server's own
// refusal (422) shown as it came.

import { ApiError, admin, get } from "../api.js";
import { errorBox, formatDateTime, h, loading, portalLabel } from "../dom.js";

// The bounds of ScrapingConfigUpdate (portals/seed_schemas.py).
const FIELDS = [
  { name: "is_enabled", label: "수집 사용", kind: "bool" },
  { name: "daily_limit", label: "하루 최대 수집 건수", kind: "int", min: 1, max: 1000, unit: "건" },
  { name: "interval_hours", label: "실행 간격 (시간)", kind: "int", min: 1, max: 24, unit: "시간" },
  { name: "interval_minutes", label: "실행 간격 (분)", kind: "int", min: 0, max: 59, unit: "분" },
  { name: "random_delay_min", label: "요청 사이 최소 대기", kind: "int", min: 0, max: 60, unit: "초" },
  { name: "random_delay_max", label: "요청 사이 최대 대기", kind: "int", min: 0, max: 120, unit: "초" },
  { name: "start_time", label: "수집 시작 시각", kind: "time", hint: "HH:MM, 비우면 종일" },
  { name: "end_time", label: "수집 종료 시각", kind: "time", hint: "HH:MM, 시작보다 이르면 자정을 넘김" },
  { name: "weekdays_only", label: "평일만 수집 (공휴일 제외)", kind: "bool" },
  { name: "quality_threshold", label: "품질 기준 점수", kind: "float", min: 0, max: 10, step: "0.1", unit: "점" },
  { name: "auto_retry", label: "실패하면 자동 재시도", kind: "bool" },
  { name: "max_retries", label: "최대 재시도 횟수", kind: "int", min: 0, max: 10, unit: "회" },
  { name: "attachment_daily_limit", label: "하루 최대 첨부파일 받기", kind: "int", min: 0, max: 5000, unit: "건" },
];
const LABELS = Object.fromEntries(FIELDS.map((field) => [field.name, field.label]));
const TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;

/** The value the API would get, or {error} with the Korean message. */
function parseField(field, input) {
  if (field.kind === "bool") return { value: input.checked };
  const text = input.value.trim();
  if (field.kind === "time") {
    if (!text) return { value: null };
    if (!TIME.test(text)) return { error: "시각은 HH:MM 형식(00:00–23:59)으로 입력하세요." };
    return { value: text };
  }
  if (input.validity && input.validity.badInput) return { error: "숫자를 입력하세요." };
  if (!text) return { error: "값을 입력하세요." };
  const number = Number(text);
  if (!Number.isFinite(number)) return { error: "숫자를 입력하세요." };
  if (field.kind === "int" && !Number.isInteger(number)) return { error: "정수를 입력하세요." };
  if (number < field.min || number > field.max) {
    return { error: `${field.min}에서 ${field.max} 사이의 값을 입력하세요.` };
  }
  return { value: number };
}

function normalizeTime(value) {
  if (value === null || value === undefined || value === "") return null;
  return value.length === 5 ? `${value}:00` : value;
}

function displayTime(value) {
  if (!value) return "";
  return value.endsWith(":00") && value.length === 8 ? value.slice(0, 5) : value;
}

function same(field, a, b) {
  if (field.kind === "time") return normalizeTime(a) === normalizeTime(b);
  return a === b;
}

function control(portalId, field) {
  const id = `cfg-${portalId}-${field.name}`;
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const error = h("p", { class: "field-error", id: errorId, hidden: true });
  if (field.kind === "bool") {
    const input = h("input", { type: "checkbox", id, name: field.name });
    return {
      field, input, error,
      node: h("div", { class: "field field-check" }, input, h("label", { for: id }, field.label), error),
    };
  }
  const attrs = { id, name: field.name, "aria-describedby": field.hint ? hintId : null };
  let input;
  if (field.kind === "time") {
    input = h("input", { ...attrs, type: "text", inputmode: "numeric", autocomplete: "off", placeholder: "09:00", maxlength: "8" });
  } else {
    input = h("input", { ...attrs, type: "number", inputmode: field.kind === "int" ? "numeric" : "decimal", min: field.min, max: field.max, step: field.step || "1" });
  }
  const range = field.kind === "time" ? field.hint : `${field.min}–${field.max}${field.unit ? ` ${field.unit}` : ""}`;
  const hint = h("span", { class: "hint", id: hintId }, range);
  input.setAttribute("aria-describedby", hintId);
  return {
    field, input, error,
    node: h("div", { class: "field" }, h("label", { for: id }, field.label), input, hint, error),
  };
}

function showError(item, message) {
  const hintId = `${item.input.id}-hint`;
  if (message) {
    item.error.textContent = message;
    item.error.hidden = false;
    item.input.setAttribute("aria-invalid", "true");
    item.input.setAttribute("aria-describedby", `${item.error.id} ${hintId}`);
  } else {
    item.error.textContent = "";
    item.error.hidden = true;
    item.input.removeAttribute("aria-invalid");
    item.input.setAttribute("aria-describedby", hintId);
  }
}

function portalForm(config) {
  const portalId = config.portal_id;
  const items = FIELDS.map((field) => control(portalId, field));
  const byName = Object.fromEntries(items.map((item) => [item.field.name, item]));
  const updated = h("p", { class: "hint updated-at" });
  const status = h("p", { class: "form-status", role: "status" });
  const alert = h("div", { class: "form-alert", role: "alert" });
  const save = h("button", { type: "submit", class: "button button-primary" }, "저장");
  const form = h(
    "form",
    { class: "config-form", novalidate: true, "aria-labelledby": `cfg-${portalId}-title`, dataset: { portal: portalId } },
    h("div", { class: "config-grid" }, items.map((item) => item.node)),
    h("div", { class: "form-actions" }, save, h("button", { type: "button", class: "button", onclick: () => fill(current) }, "되돌리기"), status),
    alert,
  );
  let current = config;

  function fill(values) {
    current = values;
    for (const item of items) {
      const value = values[item.field.name];
      if (item.field.kind === "bool") item.input.checked = Boolean(value);
      else if (item.field.kind === "time") item.input.value = displayTime(value);
      else item.input.value = value === null || value === undefined ? "" : String(value);
      showError(item, null);
    }
    updated.textContent = `마지막 변경: ${formatDateTime(values.updated_at)}`;
    alert.replaceChildren();
  }

  function validate(item) {
    const parsed = parseField(item.field, item.input);
    showError(item, parsed.error || null);
    if (parsed.error) return { error: parsed.error, item };
    if (item.field.name === "random_delay_min" || item.field.name === "random_delay_max") {
      // min ≤ max, as the API checks on the merged values; the message sits on the minimum.
      const low = byName.random_delay_min;
      const lowValue = parseField(low.field, low.input);
      const highValue = parseField(byName.random_delay_max.field, byName.random_delay_max.input);
      if (!lowValue.error && !highValue.error) {
        if (lowValue.value > highValue.value) {
          const message = "최소 대기는 최대 대기보다 클 수 없습니다.";
          showError(low, message);
          return { error: message, item: low };
        }
        showError(low, null);
      }
    }
    return { value: parsed.value, item };
  }

  for (const item of items) {
    if (item.field.kind === "bool") item.input.addEventListener("change", () => validate(item));
    item.input.addEventListener("blur", (event) => {
      // Leaving for one of this form's buttons: the submit checks every field anyway, and a
      // message appearing now would move the button away from under the pointer mid-click.
      if (event.relatedTarget && event.relatedTarget.tagName === "BUTTON" && form.contains(event.relatedTarget)) return;
      if (item.field.kind !== "bool") validate(item);
    });
    item.input.addEventListener("input", () => {
      if (item.input.getAttribute("aria-invalid") === "true") validate(item);
    });
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.textContent = "";
    alert.replaceChildren();
    const results = items.map(validate);
    const invalid = results.find((result) => result.error);
    if (invalid) {
      status.textContent = "입력값을 확인하세요. 저장하지 않았습니다.";
      invalid.item.input.focus();
      return;
    }
    const changes = {};
    for (const result of results) {
      const { name } = result.item.field;
      if (!same(result.item.field, result.value, current[name])) changes[name] = result.value;
    }
    if (!Object.keys(changes).length) {
      status.textContent = "바뀐 항목이 없습니다.";
      return;
    }
    save.disabled = true;
    form.setAttribute("aria-busy", "true");
    status.textContent = "저장하는 중…";
    try {
      const answer = await admin("PUT", `/scraping-config/${encodeURIComponent(portalId)}`, changes);
      const [fresh] = await get("/scraping-config", { portal_id: portalId });
      fill(fresh);
      status.textContent = `저장했습니다: ${answer.updated_fields.map((name) => LABELS[name] || name).join(", ")}`;
    } catch (error) {
      status.textContent = "";
      if (error instanceof ApiError && error.cancelled) {
        status.textContent = "토큰을 입력하지 않아 저장하지 않았습니다.";
      } else {
        const prefix = error instanceof ApiError && error.status === 422 ? "서버가 값을 거부했습니다: " : "저장하지 못했습니다: ";
        alert.replaceChildren(h("p", { class: "alert alert-error" }, prefix, h("span", { class: "alert-message" }, error.message)));
      }
    } finally {
      save.disabled = false;
      form.removeAttribute("aria-busy");
    }
  });

  fill(config);
  return h(
    "section",
    { class: "panel config-panel", "aria-labelledby": `cfg-${portalId}-title` },
    h("h2", { id: `cfg-${portalId}-title` }, portalLabel(portalId), h("span", { class: "portal-id" }, ` (${portalId})`)),
    updated,
    form,
  );
}

export async function renderConfig(view) {
  const body = h("div", {}, loading("설정을 불러오는 중…"));
  view.append(
    h("h1", { tabindex: "-1" }, "수집 설정"),
    h("p", { class: "hint" }, "읽기는 누구나 할 수 있고, 저장하려면 관리자 토큰이 필요합니다. 바뀐 항목만 보냅니다. 변경은 스케줄러의 다음 확인 때 적용됩니다."),
    body,
  );
  const load = async () => {
    body.replaceChildren(loading("설정을 불러오는 중…"));
    try {
      const configs = await get("/scraping-config");
      body.replaceChildren(...configs.map(portalForm));
    } catch (error) {
      body.replaceChildren(errorBox(error, load));
    }
  };
  await load();
  return null;
}
