import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { SkyportClient } from '@skyport/client';
import { repoRoot } from '@skyport/dev-stack';
import { E2E_TOKEN, skyport, startE2eStack, type E2eStack } from '../e2e-stack';
import { CHROMIUM, openBrowser, type Browser } from './browser';

/**
 * The web dashboard in a real browser (Debian's Chromium through playwright-core) against the whole system on
 * the local cluster: sign in with a token, a cluster launched from the CLI appears and goes UP without a
 * reload, its page shows pods/timeline/plan/jobs, its job's log is followed live, it is torn down from the page;
 * another team's cluster is not visible. With SKYPORT_UPDATE_SCREENSHOTS=1 the screenshots go to
 * docs/screenshots/ (the README shows them); otherwise to a temporary folder.
 */
describe('web dashboard end to end', { skip: existsSync(CHROMIUM) ? false : `no ${CHROMIUM}: apt-get install chromium` }, () => {
  let stack: E2eStack;
  let browser: Browser;
  let page: Page;
  let userToken: string;
  const failures: string[] = [];
  const suffix = randomBytes(2).toString('hex');
  const mine = `e2e-dash-${suffix}`;
  const theirs = `e2e-dash-blue-${suffix}`;
  const shots = process.env.SKYPORT_UPDATE_SCREENSHOTS === '1' ? join(repoRoot(), 'docs', 'screenshots') : mkdtempSync(join(tmpdir(), 'skyport-shots-'));
  const dir = mkdtempSync(join(tmpdir(), 'skyport-dash-e2e-'));
  const task = join(dir, 'task.yaml');
  writeFileSync(
    task,
    [
      'name: dashboard-e2e',
      'resources:',
      '  cpus: 0.5+',
      '  memory: 0.5+',
      'run: |',
      '  for i in $(seq 1 600); do echo "line $i of the dashboard job"; sleep 0.1; done',
      '  sleep 600',
      '',
    ].join('\n'),
  );

  const shot = async (name: string): Promise<void> => {
    // A live page must say live: every page with the header shows the event stream connected when it is taken
    // (the README's screenshots once showed "○ reconnecting" on five of six pages and no test noticed).
    const live = page.getByTestId('live');
    if ((await live.count()) > 0) {
      await page
        .getByText('● live')
        .waitFor({ timeout: 10_000 })
        .catch(async () => assert.fail(`${name}: the live indicator says "${await live.innerText()}" (${await live.getAttribute('title')}); failed calls: ${failures.join('; ')}`));
    }
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });
  };

  before(async () => {
    if (!existsSync(join(repoRoot(), 'apps', 'dashboard', 'dist', 'index.html'))) {
      const build = spawnSync('npx', ['vite', 'build', 'apps/dashboard', '--logLevel', 'warn'], { cwd: repoRoot(), encoding: 'utf8' });
      assert.equal(build.status, 0, build.stderr);
    }
    stack = await startE2eStack('e2e_dash');
    const admin = new SkyportClient({ endpoint: stack.apiUrl, token: E2E_TOKEN });
    // alice shares the admin's team (default) as a plain user; bob is on team blue.
    await admin.createTeam('blue');
    // Two teams turn tenancy on: bob's team needs a namespace to launch into (Skyport creates and labels it).
    await admin.setTeamNamespaces('blue', [{ context: stack.kube.context, namespace: 'e2e-dash-blue' }]);
    await admin.createUser({ name: 'alice', role: 'user', team: 'default' });
    await admin.createUser({ name: 'bob', role: 'user', team: 'blue' });
    userToken = (await admin.createToken({ user: 'alice' })).token;
    const bob = new SkyportClient({ endpoint: stack.apiUrl, token: (await admin.createToken({ user: 'bob' })).token });
    await bob.launch(theirs, { task: readFileSync(task, 'utf8') });
    browser = await openBrowser();
    page = await browser.context.newPage();
    page.on('response', (r) => {
      if (r.status() >= 400 && r.url().includes('/v1/') && !r.url().endsWith('/v1/whoami')) failures.push(`${r.status()} ${r.url()}`);
    });
  });

  after(async () => {
    await browser?.close();
    if (stack) {
      const admin = new SkyportClient({ endpoint: stack.apiUrl, token: E2E_TOKEN });
      for (const name of [mine, theirs]) await admin.down(name).catch(() => undefined);
      await waitFor(async () => {
        const left = await admin.listClusters();
        return left.every((c) => String(c.status) === 'TERMINATED') || undefined;
      }, 120_000).catch(() => undefined);
      await stack.stop();
    }
  });

  it('answers / with a redirect to the dashboard, serves client routes and keeps the api behind its token', async () => {
    const root = await fetch(`${stack.apiUrl}/`, { redirect: 'manual' });
    assert.equal(root.status, 302);
    assert.equal(root.headers.get('location'), '/ui/');
    const route = await fetch(`${stack.apiUrl}/ui/clusters/anything`);
    assert.equal(route.status, 200);
    assert.match(route.headers.get('content-type') ?? '', /text\/html/);
    assert.match(route.headers.get('content-security-policy') ?? '', /connect-src 'self'/);
    const html = await route.text();
    const asset = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(asset, html);
    const js = await (await fetch(stack.apiUrl + asset)).text();
    assert.doesNotMatch(js, new RegExp(E2E_TOKEN));
    assert.equal((await fetch(`${stack.apiUrl}/ui/assets/missing.js`)).status, 404);
    assert.equal((await fetch(`${stack.apiUrl}/v1/clusters`)).status, 401);
  });

  it('refuses a wrong token with a clear message, then signs in with a good one', async () => {
    await page.goto(`${stack.apiUrl}/ui/`);
    await page.getByLabel('API token').fill('not-a-real-token-000000000000000');
    await shot('login');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: /token/i }).waitFor();
    await page.getByLabel('API token').fill(userToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Clusters', level: 1 }).waitFor();
    assert.match(await page.getByTestId('whoami').innerText(), /alice · default · user/);
    assert.equal(await page.evaluate('sessionStorage.getItem("skyport.token")'), userToken);
  });

  it('shows a cluster launched from the CLI appear and go UP without a reload; another team’s is not listed', async () => {
    const launched = await skyport(stack, ['launch', '-y', '--async', '-c', mine, task]);
    assert.equal(launched.code, 0, launched.stderr);
    const row = page.getByTestId(`cluster-row-${mine}`);
    await row.waitFor({ timeout: 30_000 });
    await row.getByText('UP', { exact: true }).waitFor({ timeout: 240_000 });
    await page.getByText('● live').waitFor({ timeout: 20_000 }).catch(() => assert.fail(`the event stream is not connected: ${failures.join('; ')}`));
    assert.match(await row.innerText(), /default/);
    assert.equal(await page.getByTestId(`cluster-row-${theirs}`).count(), 0);
    await page.getByLabel('Search').fill(mine);
    assert.equal(await page.locator('tbody tr').count(), 1);
    await page.getByLabel('Search').fill('');
    await shot('clusters');
  });

  it('answers another team’s cluster page as not found', async () => {
    await page.goto(`${stack.apiUrl}/ui/clusters/${theirs}`);
    await page.getByRole('alert').filter({ hasText: /not found|no cluster/i }).waitFor();
  });

  it('cluster page: pods with node, the event timeline, the considered resources and the job queue', async () => {
    await page.goto(`${stack.apiUrl}/ui/clusters/${mine}`);
    await page.getByRole('heading', { name: 'Pods' }).waitFor();
    const pods = page.locator('section[aria-labelledby="pods-title"] tbody tr');
    await pods.first().waitFor();
    assert.match(await pods.first().innerText(), /Running/);
    assert.ok((await page.getByTestId('timeline').locator('li').count()) >= 2);
    await page.locator('section[aria-labelledby="considered-title"] tbody tr').first().waitFor();
    assert.match(await page.locator('section[aria-labelledby="considered-title"]').innerText(), /\(chosen\)/);
    await page.getByRole('link', { name: '#1' }).waitFor();
    await shot('cluster');
  });

  it('job page follows the log live; search, node filter, pause and download work', async () => {
    await page.getByRole('link', { name: '#1' }).click();
    await page.getByRole('heading', { name: /Job 1/ }).waitFor();
    const count = async (): Promise<number> => Number(/(\d+) lines/.exec(await page.getByTestId('log-state').innerText())?.[1] ?? 0);
    await waitFor(async () => ((await count()) >= 5 ? true : undefined), 60_000).catch(() => assert.fail(`no log lines: ${failures.join('; ')}`));
    // Following: the newest line is in view (only the visible rows are rendered).
    assert.match(await page.getByTestId('log-lines').locator('.log-line').last().innerText(), /^line \d+ of the dashboard job$/);
    const first = await count();
    await waitFor(async () => ((await count()) > first + 5 ? true : undefined), 30_000);
    assert.match(await page.getByTestId('log-state').innerText(), /following/);
    await page.getByLabel('Search').fill('line 3 of');
    assert.match(await page.getByTestId('log-state').innerText(), /^1 of \d+ lines/);
    await page.getByLabel('Search').fill('');
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: /Resume \(\d+ new\)/ }).waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: /Resume/ }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
    assert.equal(download.suggestedFilename(), `${mine}-job-1.log`);
    await shot('job');
  });

  it('infra, queue and cost pages show the local context, the team quotas and the cluster’s cost', async () => {
    await page.getByRole('link', { name: 'Infra' }).click();
    await page.getByRole('heading', { name: 'Kubernetes contexts' }).waitFor();
    await page.getByRole('rowheader', { name: stack.kube.context }).waitFor();
    // CPU and memory, allocatable and free, as the provisioner's snapshot has them (issue 12).
    const context = (await new SkyportClient({ endpoint: stack.apiUrl, token: userToken }).check()).kubernetes.contexts.find((c) => c.context === stack.kube.context);
    assert.ok(context && context.cpus.allocatable > 0 && context.memoryGb.allocatable > 0, `capacity of ${stack.kube.context}: ${JSON.stringify(context)}`);
    const contextRow = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: stack.kube.context }) });
    for (const what of ['CPUs', 'memory']) {
      const meter = contextRow.getByRole('meter', { name: `${what} free in ${stack.kube.context}` });
      await meter.waitFor();
      assert.ok(Number(await meter.getAttribute('max')) > 0, `${what} allocatable shown`);
    }
    const cores = context.cpus.allocatable;
    assert.ok((await contextRow.innerText()).includes(` / ${Number.isInteger(cores) ? cores : cores.toFixed(1)}`), 'the CPUs column reads free / allocatable');
    await shot('infra');
    await page.getByRole('link', { name: 'Queue' }).click();
    await page.getByRole('heading', { name: 'Team quotas' }).waitFor();
    await page.getByRole('rowheader', { name: 'default' }).waitFor();
    await shot('queue');
    await page.getByRole('link', { name: 'Cost' }).click();
    await page.getByRole('heading', { name: 'Per cluster' }).waitFor();
    await page.getByRole('rowheader', { name: mine }).waitFor();
    assert.equal(await page.getByRole('rowheader', { name: theirs }).count(), 0);
    await shot('cost');
  });

  it('tears the cluster down from the page after confirmation', async () => {
    await page.getByRole('link', { name: 'Clusters' }).click();
    const row = page.getByTestId(`cluster-row-${mine}`);
    await row.getByRole('button', { name: `Tear down ${mine}` }).click();
    const dialog = page.getByRole('dialog', { name: `Tear down ${mine}?` });
    await dialog.waitFor();
    await shot('down-confirm');
    await dialog.getByRole('button', { name: 'Tear down' }).click();
    await page.getByRole('status').filter({ hasText: `${mine} is being torn down` }).waitFor();
    const admin = new SkyportClient({ endpoint: stack.apiUrl, token: E2E_TOKEN });
    await waitFor(async () => (String((await admin.getCluster(mine)).status) === 'TERMINATED' ? true : undefined), 120_000);
    // The list drops it by itself (live updates), without a reload.
    await row.waitFor({ state: 'detached', timeout: 30_000 });
  });
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
