// The admin token prompt: a modal <dialog> (focus is trapped and Escape cancels natively).

let pending = null;

/** Resolves to the entered token, or null when cancelled. One prompt at a time. */
export function askToken(reason = "") {
  if (pending) return pending;
  const dialog = document.getElementById("token-dialog");
  const form = document.getElementById("token-form");
  const input = document.getElementById("token-input");
  const error = document.getElementById("token-error");
  const reasonLine = document.getElementById("token-dialog-reason");

  reasonLine.textContent = reason;
  reasonLine.hidden = !reason;
  error.hidden = true;
  input.value = "";
  input.removeAttribute("aria-invalid");

  pending = new Promise((resolve) => {
    const onSubmit = (event) => {
      if (event.submitter && event.submitter.value === "ok" && !input.value.trim()) {
        event.preventDefault();
        error.textContent = "토큰을 입력하세요.";
        error.hidden = false;
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", "token-error");
        input.focus();
      }
    };
    const onClose = () => {
      form.removeEventListener("submit", onSubmit);
      dialog.removeEventListener("close", onClose);
      const token = dialog.returnValue === "ok" ? input.value.trim() : "";
      input.value = "";
      pending = null;
      resolve(token || null);
    };
    form.addEventListener("submit", onSubmit);
    dialog.addEventListener("close", onClose);
    dialog.returnValue = "";
    dialog.showModal();
    input.focus();
  });
  return pending;
}
