// Starts GOV.UK Frontend and MOJ Frontend components (an ES module from our own origin: the CSP allows no inline
// script without a nonce).
import { initAll as initGovuk } from "../vendor/govuk/govuk-frontend.min.js";
import { initAll as initMoj } from "../vendor/moj/moj-frontend.min.js";

initGovuk();
initMoj();

// Session-expiry warning: the session ends after a period of inactivity (SESSION_COOKIE_AGE, sliding). Two
// minutes before, tell the user and offer to stay signed in (any request to the service renews the session).
const timeout = document.querySelector("[data-session-timeout]");
if (timeout) {
  const seconds = Number(timeout.dataset.sessionTimeout);
  const warnBefore = Math.min(120, Math.floor(seconds / 4));
  let timer;
  const arm = () => {
    clearTimeout(timer);
    timeout.hidden = true;
    timer = setTimeout(() => {
      timeout.hidden = false;
      timeout.focus();
    }, (seconds - warnBefore) * 1000);
  };
  timeout.querySelector("button")?.addEventListener("click", async () => {
    await fetch(window.location.href, { credentials: "same-origin", headers: { "X-Session-Renew": "1" } });
    arm();
  });
  arm();
}
