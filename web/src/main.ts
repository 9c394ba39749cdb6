/**
 * The pages' one script: progressive enhancement only — every page works without it. Loaded as a module from
 * /assets/ (the CSP allows script-src 'self' and nothing inline). On a record form section it adds live branching
 * (globalThis.FormConditions, the server's own evaluator), autosave through the JSON API, character counts and a
 * warning before leaving with unsaved changes.
 */
import { CONTROL, mergeSection, postedFrom, sectionAnswers, type FieldSpec } from '../../shared/web/form-values.ts';
import { remainingText, signInAgainHref, timeoutState } from './session-timeout.ts';
import { enhanceSurveyProgress, enhanceSurveyStart } from './survey.ts';

type Condition = unknown;
type Bag = Record<string, unknown>;
interface Spec extends FieldSpec {
  visibleWhen: Condition | null;
  fields?: Spec[];
}
interface Conditions {
  evaluateCondition: (c: Condition, answers: Bag, entry?: Bag) => boolean;
}

let dirty = false;
for (const form of document.querySelectorAll<HTMLFormElement>('form[data-track-changes]')) {
  form.addEventListener('input', () => (dirty = true));
  form.addEventListener('submit', () => (dirty = false));
}
window.addEventListener('beforeunload', (event) => {
  if (dirty) event.preventDefault();
});

// A form is sent once: a second press while the first is on its way (a double click) is refused here, and its
// buttons say so. Marked by the last submit listener (end of this file), so a listener that holds the submit back
// (an autosave under way) and sends it again later is not refused.
for (const form of document.querySelectorAll<HTMLFormElement>('form')) {
  form.addEventListener('submit', (event) => {
    if (form.dataset.sending === 'true') event.preventDefault();
  });
}

// Character counts (the USWDS character count, small): the message says how many characters are left.
for (const box of document.querySelectorAll<HTMLElement>('.usa-character-count[data-maxlength]')) {
  const field = box.querySelector<HTMLTextAreaElement | HTMLInputElement>('.usa-character-count__field');
  const message = box.querySelector<HTMLElement>('.usa-character-count__message');
  const max = Number(box.dataset.maxlength);
  if (!field || !message || !max) continue;
  const update = () => {
    const left = max - field.value.length;
    message.textContent = left >= 0 ? `${left} ${left === 1 ? 'character' : 'characters'} left` : `${-left} characters over limit`;
    message.classList.toggle('usa-character-count__status--invalid', left < 0);
  };
  field.addEventListener('input', update);
  update();
}

// A form that came back with problems: start at its error summary (it is focusable, tabindex -1).
document.getElementById('error-summary')?.focus();

const surveyStart = document.querySelector<HTMLFormElement>('form[data-survey-start]');
if (surveyStart) enhanceSurveyStart(surveyStart);
const surveyForm = document.querySelector<HTMLFormElement>('form.npcs-survey-form');
const surveyProgress = document.querySelector<HTMLElement>('[data-survey-progress]');
if (surveyForm && surveyProgress) enhanceSurveyProgress(surveyForm, surveyProgress);

const recordForm = document.querySelector<HTMLFormElement>('form.npcs-record-form');
if (recordForm) enhanceRecordForm(recordForm);

function enhanceRecordForm(form: HTMLFormElement) {
  const spec = JSON.parse(form.dataset.section ?? '[]') as Spec[];
  const base = JSON.parse(form.dataset.answers ?? '{}') as Bag;
  const status = form.querySelector<HTMLElement>('.npcs-save-status');
  const version = form.querySelector<HTMLInputElement>(`input[name="${CONTROL.version}"]`);
  const hiddenList = form.querySelector<HTMLInputElement>(`input[name="${CONTROL.hidden}"]`);
  const conditions = (globalThis as unknown as { FormConditions?: Conditions }).FormConditions;

  const answersNow = () => {
    const posted = postedFrom([...new FormData(form).entries()].map(([k, v]) => [k, String(v)] as [string, string]));
    return sectionAnswers(spec, posted);
  };

  // Live branching: show or hide (and enable or disable, so hidden answers are not sent) each conditional field.
  const setShown = (wrapper: HTMLElement, shown: boolean) => {
    wrapper.hidden = !shown;
    for (const el of wrapper.querySelectorAll<HTMLInputElement>('input, select, textarea')) el.disabled = !shown;
  };
  const branch = () => {
    if (!conditions) return;
    const answers: Bag = { ...base, ...answersNow() };
    const hidden: string[] = [];
    for (const f of spec) {
      if (f.visibleWhen) {
        const wrapper = form.querySelector<HTMLElement>(`[data-field="${f.name}"]:not([data-group])`);
        const shown = conditions.evaluateCondition(f.visibleWhen, answers);
        if (wrapper) setShown(wrapper, shown);
        if (!shown) {
          hidden.push(f.name);
          delete answers[f.name];
        }
      }
      for (const sub of f.fields ?? []) {
        if (!sub.visibleWhen) continue;
        const entries = Array.isArray(answers[f.name]) ? (answers[f.name] as Bag[]) : [];
        form.querySelectorAll<HTMLElement>(`[data-group="${f.name}"][data-field="${sub.name}"]`).forEach((wrapper, i) => {
          setShown(wrapper, conditions.evaluateCondition(sub.visibleWhen, answers, entries[i] ?? {}));
        });
      }
    }
    if (hiddenList) hiddenList.value = hidden.join(',');
  };

  // Autosave: a throttled PUT of the whole draft to the JSON API, with the version it was read at.
  const url = form.dataset.autosaveUrl;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let saving: Promise<void> | undefined;
  let again = false;
  const say = (text: string) => {
    if (status) status.textContent = text;
  };
  const save = async () => {
    if (!url || !version) return;
    if (saving) {
      again = true;
      return;
    }
    let done = () => {};
    saving = new Promise<void>((resolve) => (done = resolve));
    say('Saving…');
    try {
      const res = await fetch(url, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ answers: mergeSection(base, spec, answersNow()), expectedVersion: Number(version.value) }),
      });
      if (res.ok) {
        const record = (await res.json()) as { version: number };
        version.value = String(record.version);
        dirty = false;
        say(`Saved at ${new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`);
      } else if (res.status === 409) {
        say('Not saved: someone else saved this record first. Nothing was lost; use Save and continue to see what to do.');
      } else if (res.status === 422) {
        say('Not saved yet: some answers need fixing. Use Save and continue to see which.');
      } else {
        say('Not saved: your session may have ended. Use Save and continue to try again.');
      }
    } catch {
      say('Not saved: the connection failed. Your answers are still here.');
    } finally {
      saving = undefined;
      done();
      if (again) {
        again = false;
        schedule();
      }
    }
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void save(), 1500);
  };

  form.addEventListener('change', () => {
    branch();
    schedule();
  });
  form.addEventListener('input', () => branch());
  form.addEventListener('submit', (event) => {
    if (timer) clearTimeout(timer);
    // An autosave under way bumps the version: send the form once it is done, with the new version.
    if (saving) {
      event.preventDefault();
      const submitter = event.submitter as HTMLButtonElement | null;
      void saving.then(() => form.requestSubmit(submitter));
    }
  });
  branch();
}

// The session-timeout warning: two minutes before idle expiry, offer "Stay signed in"; at expiry, say so.
if (document.body.dataset.session === 'signed-in') void watchSession();

async function secondsLeft(url: string): Promise<number | undefined> {
  try {
    const res = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    if (res.status === 401) return 0;
    if (!res.ok) return undefined;
    return ((await res.json()) as { session: { secondsLeft: number } }).session.secondsLeft;
  } catch {
    return undefined;
  }
}

async function watchSession() {
  const region = document.getElementById('session-timeout');
  const heading = document.getElementById('session-timeout-heading');
  const text = document.getElementById('session-timeout-text');
  const stay = region?.querySelector<HTMLButtonElement>('[data-session-keep-alive]');
  const signIn = region?.querySelector<HTMLAnchorElement>('[data-session-sign-in]');
  if (!region || !heading || !text || !stay || !signIn) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let readAt = Date.now();
  let left = await secondsLeft('/api/session');
  if (left === undefined) return;

  const show = (focus: HTMLElement) => {
    const wasHidden = region.hidden;
    region.hidden = false;
    if (wasHidden) focus.focus();
  };
  const update = async () => {
    if (timer) clearTimeout(timer);
    let state = timeoutState(left!, Date.now() - readAt);
    if (state.phase !== 'active' && region.hidden) {
      // Another tab may have kept the session alive meanwhile: ask again (this read does not slide it).
      const fresh = await secondsLeft('/api/session');
      if (fresh !== undefined) {
        left = fresh;
        readAt = Date.now();
        state = timeoutState(left, 0);
      }
    }
    if (state.phase === 'active') {
      region.hidden = true;
    } else if (state.phase === 'warning') {
      heading.textContent = 'Your session is about to end';
      text.textContent = `You will be signed out in about ${remainingText(state.secondsLeft)} because nothing has happened for a while. Anything you have not saved will be lost.`;
      show(stay);
    } else {
      heading.textContent = 'You have been signed out';
      text.textContent = 'For your security, you were signed out after a period without activity. Sign in again to carry on; anything you had not saved was not kept.';
      stay.hidden = true;
      signIn.href = signInAgainHref(location.pathname, location.search);
      signIn.hidden = false;
      region.hidden = true;
      show(signIn);
      return;
    }
    // Refresh the countdown every 15 s during the warning.
    timer = setTimeout(() => void update(), state.phase === 'warning' ? Math.min(state.nextCheckMs ?? 15_000, 15_000) : state.nextCheckMs);
  };
  stay.addEventListener('click', async () => {
    stay.setAttribute('aria-disabled', 'true');
    const fresh = await secondsLeft('/api/session/keep-alive');
    stay.removeAttribute('aria-disabled');
    if (fresh !== undefined) {
      left = fresh;
      readAt = Date.now();
    }
    if (timeoutState(left!, Date.now() - readAt).phase === 'active') {
      region.hidden = true;
      document.getElementById('main-content')?.focus();
    }
    void update();
  });
  void update();
}

document.documentElement.classList.add('js');

for (const form of document.querySelectorAll<HTMLFormElement>('form')) {
  form.addEventListener('submit', (event) => {
    if (event.defaultPrevented) return;
    form.dataset.sending = 'true';
    for (const button of form.querySelectorAll<HTMLButtonElement>('button[type="submit"]')) button.setAttribute('aria-disabled', 'true');
  });
}
// Back to a page kept in the browser's cache: its forms may be sent again.
window.addEventListener('pageshow', (event) => {
  if (!event.persisted) return;
  for (const form of document.querySelectorAll<HTMLFormElement>('form[data-sending]')) {
    delete form.dataset.sending;
    for (const button of form.querySelectorAll<HTMLButtonElement>('button[type="submit"]')) button.removeAttribute('aria-disabled');
  }
});
