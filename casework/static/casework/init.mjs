// Starts GOV.UK Frontend and MOJ Frontend components (an ES module from our own origin: the CSP allows no inline
// script without a nonce).
import { initAll as initGovuk } from "../vendor/govuk/govuk-frontend.min.js";
import { initAll as initMoj } from "../vendor/moj/moj-frontend.min.js";

initGovuk();
initMoj();
