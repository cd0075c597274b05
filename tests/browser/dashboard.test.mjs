// The dashboard in headless Chromium, against a `duban serve` on the demo
// town with history (started by run.sh, which passes the URL and tokens).
//
// Checks that the figures the pages show are the JSON API's, that links
// lead to the item, that a form works with its CSRF token and is refused
// without it, and that every page fits a 360 px phone without the body
// scrolling sideways; saves full-page screenshots at 1280 and 360 px.
//
// One browser for the whole file; the tests run in order and share the
// supervisor's signed-in context.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run tests/browser/run.sh BUILD_DIR`);
  return v;
};
const BASE = env('DUBAN_URL');
const SUPERVISOR = env('DUBAN_SUPERVISOR_TOKEN');
const ADMIN = env('DUBAN_ADMIN_TOKEN');
const SHOTS = env('DUBAN_SHOTS');
const CHROMIUM = process.env.DUBAN_CHROMIUM || '/usr/bin/chromium';
// playwright-core lives in the build directory (npm ci by run.sh).
const require = createRequire(join(env('DUBAN_NODE_MODULES'), 'resolve-from-here.js'));
const { chromium } = require('playwright-core');

const WIDTHS = [1280, 360];

// --- The JSON API -------------------------------------------------------

async function api(path, token = SUPERVISOR) {
  const res = await fetch(BASE + '/api/v1' + path, {
    headers: { Authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(10_000),
  });
  const body = await res.text();
  assert.equal(res.status, 200, `GET /api/v1${path}: ${res.status} ${body}`);
  return JSON.parse(body);
}

// Every item matching `query`, following the cursor.
async function items(query, token = SUPERVISOR) {
  const out = [];
  let cursor = '';
  for (let pages = 0; pages < 100; ++pages) {
    const page = await api(`/items?${query}&limit=500${cursor ? '&cursor=' + cursor : ''}`, token);
    out.push(...page.items);
    if (!page.next_cursor) return out;
    cursor = encodeURIComponent(page.next_cursor);
  }
  throw new Error(`more than 100 pages of /items?${query}`);
}

// --- The browser --------------------------------------------------------

let browser;
let supervisor;  // the supervisor's signed-in context
let campaign;    // GET /api/v1/campaigns: the first (the dashboard's default)
let itemKinds;   // its item kinds' ids (not the reports' obligations)
const consoleErrors = [];  // console errors: CSP violations, script errors
const failedResponses = [];  // pages and resources answered with 4xx/5xx unasked

async function newContext(width = 1280) {
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(15_000);
  context.on('page', (page) => {
    // "Failed to load resource" is a response below, with its URL.
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
        consoleErrors.push(`${page.url()}: ${m.text()}`);
      }
    });
    page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
    page.on('response', (r) => {
      const url = new URL(r.url());
      // Chromium asks every origin for /favicon.ico; the dashboard has none.
      if (r.status() < 400 || url.pathname === '/favicon.ico') return;
      // The wrong-token test's 401 is expected.
      if (r.status() === 401 && url.pathname === '/login' && r.request().method() === 'POST') return;
      failedResponses.push(`${r.request().method()} ${url.pathname}${url.search}: ${r.status()}`);
    });
  });
  return context;
}

// Signs in through the login form on `page`, starting from `path`.
async function signIn(page, token, path = '/') {
  await page.goto(BASE + path);
  assert.match(new URL(page.url()).pathname, /^\/login$/, `${path} without a session goes to /login`);
  await page.fill('#token', token);
  await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.click('button[type=submit]')]);
}

async function open(page, path) {
  const res = await page.goto(BASE + path);
  assert.equal(res.status(), 200, `GET ${path}`);
  return res;
}

const text = (page, testid) => page.getByTestId(testid).innerText().then((s) => s.trim());

// A table's body rows as arrays of cell texts.
function rows(page, testid) {
  return page.locator(`[data-testid="${testid}"] tbody tr`).evaluateAll((trs) =>
    trs.map((tr) => [...tr.cells].map((td) => td.innerText.trim())));
}

before(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const campaigns = await api('/campaigns');
  campaign = campaigns.campaigns[0];
  itemKinds = new Set(campaign.item_kinds.map((k) => k.id));
  supervisor = await newContext();
});

after(async () => {
  await browser?.close();
});

// --- The tests ----------------------------------------------------------

test('signs in through the login form and lands on the page asked for', async () => {
  const page = await supervisor.newPage();
  await signIn(page, SUPERVISOR, '/laggards');
  assert.equal(new URL(page.url()).pathname, '/laggards');
  assert.match(await text(page, 'viewer'), /专班 · 沁水县/);
  const [cookie] = (await supervisor.cookies()).filter((c) => c.name === 'duban_session');
  assert.ok(cookie, 'the session cookie is set');
  assert.equal(cookie.httpOnly, true, 'the session cookie is HttpOnly');
  assert.equal(cookie.sameSite, 'Strict', 'the session cookie is SameSite=Strict');
  await page.close();
});

test('a wrong token is refused on the login page', async () => {
  const context = await newContext();
  const page = await context.newPage();
  await page.goto(BASE + '/login');
  await page.fill('#token', 'dbn_t_0000000000_' + '0'.repeat(64));
  const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'),
                                   page.click('button[type=submit]')]);
  assert.equal(res.status(), 401);
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.equal((await context.cookies()).filter((c) => c.name === 'duban_session').length, 0);
  await context.close();
});

test('the overview shows the API\'s figures', async () => {
  const page = await supervisor.newPage();
  await open(page, '/?c=' + encodeURIComponent(campaign.id));
  const c = encodeURIComponent(campaign.id);
  const status = await api(`/campaigns/${c}/status`);

  // Items of the campaign's item kinds (cases, transfers, findings); the
  // weekly reports have their own cards.
  let all = 0, open_ = 0, overdue = 0;
  for (const kind of itemKinds) {
    const list = await items(`campaign=${c}&kind=${encodeURIComponent(kind)}`);
    all += list.length;
    open_ += list.filter((i) => i.open).length;
    overdue += list.filter((i) => i.overdue).length;
  }
  const overdueApi = (await items(`campaign=${c}&overdue=true`)).filter((i) => itemKinds.has(i.kind));
  assert.equal(overdueApi.length, overdue, 'overdue=true agrees with the items\' own flags');
  assert.ok(overdue > 0, 'the demo town has an overdue case at 2024-05-24 11:55');
  assert.equal(await text(page, 'overdue-count'), String(overdue), 'overdue-count');
  assert.equal(await text(page, 'open-count'), String(open_), 'open-count');
  assert.equal(await text(page, 'closed-count'), String(all - open_), 'closed-count');

  // Counts by state add up to every item.
  const byState = await rows(page, 'counts-by-state');
  assert.equal(byState.reduce((n, r) => n + Number(r[2]), 0), all, 'counts-by-state sums to all items');

  // Phase and days left.
  assert.ok(status.current_phases.length > 0);
  assert.equal(await text(page, 'phase'), status.current_phases[0].title, 'phase');
  assert.equal(await text(page, 'days-left'), `${status.current_phases[0].days_left} 天`, 'days-left');

  // Next deadlines, in order.
  const next = await rows(page, 'next-deadlines');
  assert.deepEqual(next.map((r) => r[0]), status.next_deadlines.map((d) => d.title), 'next-deadlines');

  // The latest weekly report that has fallen due: on time, late, missing.
  const ob = campaign.obligations[0];
  const now = Date.parse(status.now);
  const from = new Date(now - 8 * 7 * 86400e3).toISOString();
  const to = new Date(now + 7 * 86400e3).toISOString();
  const reports = await items(`campaign=${c}&kind=${encodeURIComponent(ob.id)}&due_from=${from}&due_to=${to}`);
  const due = reports.filter((r) => Date.parse(r.due_at) <= now);
  const last = due.map((r) => r.period).sort().at(-1);
  assert.ok(last, 'a weekly report has fallen due');
  const latest = due.filter((r) => r.period === last);
  const isLate = (r) => r.resolved_at && Date.parse(r.resolved_at) >= Date.parse(r.due_at);
  const expect = {
    'reports-on-time': latest.filter((r) => r.resolved_at && !isLate(r)).length,
    'reports-late': latest.filter(isLate).length,
    'reports-missing': latest.filter((r) => !r.resolved_at).length,
  };
  for (const [testid, n] of Object.entries(expect)) {
    assert.equal(await text(page, testid), String(n), `${testid} for the week of ${last}`);
  }
  await page.close();
});

test('the laggards table is the API\'s ranking', async () => {
  const page = await supervisor.newPage();
  await open(page, '/laggards?c=' + encodeURIComponent(campaign.id));
  const ranking = await api(`/campaigns/${encodeURIComponent(campaign.id)}/laggards?limit=100`);
  assert.ok(ranking.laggards.length > 0, 'the demo town has laggards (卧庄村 missed two weeks)');
  const shown = await rows(page, 'laggards');
  // 名次, 单位, 得分, 缺报, 迟报, 逾期事项, 移送积压
  assert.deepEqual(
    shown.map((r) => r.slice(0, 7)),
    ranking.laggards.map((l) => [String(l.rank), l.name, String(l.score), String(l.missing_reports),
                                 String(l.late_reports), String(l.overdue_items), String(l.stuck_transfers)]));
  await page.close();
});

test('the compliance grid shows each report as the API has it', async () => {
  const page = await supervisor.newPage();
  await open(page, '/compliance?c=' + encodeURIComponent(campaign.id));
  const status = await api(`/campaigns/${encodeURIComponent(campaign.id)}/status`);
  const now = Date.parse(status.now);
  const from = new Date(now - 8 * 7 * 86400e3).toISOString();
  const to = new Date(now + 7 * 86400e3).toISOString();
  const reports = await items(`campaign=${encodeURIComponent(campaign.id)}` +
                              `&kind=${encodeURIComponent(campaign.obligations[0].id)}&due_from=${from}&due_to=${to}`);
  const cell = (r) => r.resolved_at ? (Date.parse(r.resolved_at) >= Date.parse(r.due_at) ? '迟报' : '按时')
                                    : Date.parse(r.due_at) <= now ? '未报' : '待报';
  const expected = {};
  for (const r of reports) expected[r.id] = cell(r);
  const shown = await page.locator('[data-testid="compliance-grid"] a[data-cell]').evaluateAll((as) =>
    as.map((a) => [a.getAttribute('href').match(/\/items\/(\d+)/)[1], a.dataset.cell]));
  assert.deepEqual(Object.fromEntries(shown), Object.fromEntries(Object.entries(expected)));
  assert.ok(shown.filter(([, c]) => c === '未报').length >= 2, '卧庄村 missed two weeks');
  await page.close();
});

let overdueItemId;

test('the overdue list is the API\'s, and its first link opens the item', async () => {
  const page = await supervisor.newPage();
  const c = encodeURIComponent(campaign.id);
  await open(page, '/overdue?c=' + c);
  const overdue = (await items(`campaign=${c}&overdue=true`)).filter((i) => itemKinds.has(i.kind));
  assert.equal(await text(page, 'overdue-total'), `共 ${overdue.length} 项`);
  const links = page.locator('[data-testid="overdue-items"] tbody tr td:first-child a');
  const ids = await links.evaluateAll((as) => as.map((a) => Number(a.getAttribute('href').match(/^\/items\/(\d+)/)[1])));
  assert.deepEqual([...ids].sort((a, b) => a - b), overdue.map((i) => i.id).sort((a, b) => a - b));

  await Promise.all([page.waitForURL(/\/items\/\d+/), links.first().click()]);
  overdueItemId = Number(new URL(page.url()).pathname.split('/')[2]);
  assert.equal(overdueItemId, ids[0]);
  const item = await api(`/items/${overdueItemId}`);
  const facts = await text(page, 'item-facts');
  assert.ok(facts.includes(item.key), `the item page shows its key ${item.key}`);
  assert.match(facts, /逾期 \d+ 天/);
  await page.close();
});

test('the ack form works with its CSRF token and is refused without it', async () => {
  const c = encodeURIComponent(campaign.id);
  const candidates = [];
  for (const kind of itemKinds) {
    candidates.push(...(await items(`campaign=${c}&kind=${encodeURIComponent(kind)}&open=true`))
      .filter((i) => i.acknowledged_at === null));
  }
  assert.ok(candidates.length > 0, 'an open, unacknowledged item to sign for');
  const id = candidates[0].id;

  const page = await supervisor.newPage();
  await open(page, `/items/${id}`);
  const button = page.getByTestId('ack');
  await button.waitFor();
  const form = page.locator('form[action$="/ack"]');
  const csrf = await form.locator('input[name=csrf]').inputValue();
  assert.ok(csrf.length > 0, 'the form carries a CSRF token');

  // The request context carries the session (a GET is answered, not sent to
  // /login), so what refuses the posts below is the CSRF and origin check.
  const get = await page.request.get(`${BASE}/overdue`, { maxRedirects: 0 });
  assert.equal(get.status(), 200);
  const post = (form, origin = BASE) => page.request.post(`${BASE}/items/${id}/ack`, {
    form, headers: { Origin: origin }, maxRedirects: 0 });
  for (const [what, res] of [
    ['without csrf', await post({})],
    ['with a wrong csrf', await post({ csrf: csrf.replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A')) })],
    ['from another origin', await post({ csrf }, 'http://evil.example')],
  ]) {
    assert.equal(res.status(), 403, `a post ${what} is refused`);
    assert.match(await res.text(), /表单已失效/);
  }
  assert.equal((await api(`/items/${id}`)).acknowledged_at, null, 'the refused posts changed nothing');

  await Promise.all([page.waitForURL(/\?done=ack$/), button.click()]);
  assert.equal(new URL(page.url()).pathname, `/items/${id}`);
  await assert.doesNotReject(page.getByRole('status').filter({ hasText: '已签收' }).waitFor());
  assert.equal(await page.getByTestId('ack').count(), 0, 'no ack button once signed for');
  const after = await api(`/items/${id}`);
  assert.notEqual(after.acknowledged_at, null, 'the API shows the item acknowledged');

  // The same form again: the item is signed for already.
  const again = await post({ csrf });
  assert.equal(again.status(), 409);
  await page.close();
});

test('the admin sees the outbox and signs out with the logout form', async () => {
  const context = await newContext();
  const page = await context.newPage();
  await signIn(page, ADMIN, '/outbox');
  assert.equal(new URL(page.url()).pathname, '/outbox');
  assert.match(await text(page, 'viewer'), /管理员/);
  await page.getByTestId('outbox').waitFor();
  // The newest messages, as the API lists them; a 重发 button on each dead one.
  const { messages } = await api('/outbox?limit=50', ADMIN);
  assert.ok(messages.length > 0, 'the demo history sent messages');
  const shown = (await rows(page, 'outbox')).slice(0, messages.length);
  assert.deepEqual(shown.map((r) => Number(r[0])), messages.map((m) => m.id), 'the outbox lists the API\'s messages');
  for (const m of messages.filter((m) => m.state === 'dead')) {
    assert.equal(await page.getByTestId(`retry-${m.id}`).count(), 1, `a retry button for dead message ${m.id}`);
  }
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(SHOTS, `outbox-admin-${width}.png`), fullPage: true });
  }
  await Promise.all([page.waitForURL(/\/login$/), page.locator('form[action="/logout"] button').click()]);
  await page.goto(BASE + '/outbox');
  assert.equal(new URL(page.url()).pathname, '/login', 'signed out');
  await context.close();
});

test('the attachment table: the 总计 row is the sum of the villages that reported', async () => {
  const page = await supervisor.newPage();
  await page.goto(BASE + '/table?c=' + encodeURIComponent(campaign.id));
  const rows = await page.$$eval('[data-testid=attachment-table] tbody tr', (trs) =>
    trs.map((tr) => ({
      total: tr.classList.contains('total'),
      cells: [...tr.querySelectorAll('td')].slice(1, -1).map((td) => td.textContent.trim()),
    })));
  await page.close();
  const villages = rows.filter((r) => !r.total);
  const total = rows.find((r) => r.total);
  assert.ok(villages.length >= 8, `one row per village, got ${villages.length}`);
  assert.ok(total, 'a 总计 row');
  for (let col = 0; col < total.cells.length; col++) {
    const sum = villages.reduce((acc, r) => acc + (r.cells[col] === '' ? 0 : Number(r.cells[col])), 0);
    assert.equal(Number(total.cells[col]), sum, `column ${col + 1}`);
  }
});

test('every page at 1280 and 360 px: screenshots, and no sideways scrolling on a phone', async () => {
  const c = '?c=' + encodeURIComponent(campaign.id);
  const pages = [
    ['overview', '/' + c], ['overdue', '/overdue' + c], ['compliance', '/compliance' + c],
    ['laggards', '/laggards' + c], ['transfers', '/transfers' + c], ['progress', '/progress' + c],
    ['outbox', '/outbox' + c], ['table', '/table' + c], ['item', `/items/${overdueItemId ?? 1}`],
  ];
  const overflowing = [];
  const measure = async (page, name, width) => {
    await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true });
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width === 360 && scrollWidth > 361) overflowing.push(`${name}: ${scrollWidth}px`);
  };
  for (const width of WIDTHS) {
    const page = await supervisor.newPage();
    await page.setViewportSize({ width, height: 900 });
    for (const [name, path] of pages) {
      await open(page, path);
      await measure(page, name, width);
    }
    await page.close();
    const anonymous = await newContext(width);
    const login = await anonymous.newPage();
    await open(login, '/login');
    await measure(login, 'login', width);
    await anonymous.close();
  }
  assert.deepEqual(overflowing, [], 'pages wider than a 360 px screen');
});

test('no page logged a console error (CSP violations included) or failed to load', () => {
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(failedResponses, []);
});
