// Issue 20, points 9 and 10: a role change asks first and its audit entry names the role it replaced;
// token names are unique (409 in the API and under the name field); the ⌘K / Ctrl+K queue switcher
// finds queues by name from any console page, by keyboard, capped, under the console's CSP.
import { test, expect, type Page } from '@playwright/test';
import { Queue } from 'bullmq';
import { apiAs, gotoHydrated, redisUrl, storageStatePath } from './support';

const stamp = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

/** Collects what a CSP refusal or a page error prints, from now on. */
function cspProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return problems;
}

test.describe('queue switcher', () => {
  test.use({ storageState: storageStatePath('viewer') });
  const many = Array.from({ length: 60 }, (_, i) => `swmany-${stamp}-${String(i).padStart(2, '0')}`);
  const named = [`sw-${stamp}-alpha`, `sw-${stamp}-beta`, `sw-${stamp}-bravo`];

  test.beforeAll(async () => {
    // Queues exist once BullMQ has written their meta: one job each, through BullMQ's API.
    await Promise.all(
      [...named, ...many].map(async (name) => {
        const queue = new Queue(name, { connection: { url: redisUrl() } });
        await queue.add('probe', {});
        await queue.close();
      }),
    );
    // Discovery is cached for a few seconds: ask for a fresh one, as "Rediscover" does.
    const viewer = await apiAs('viewer');
    await expect
      .poll(async () => {
        const overview = await (await viewer.get('/api/v1/queues?refresh=1')).json();
        const names = new Set((overview.connections as Array<{ queueNames: string[] }>).flatMap((c) => c.queueNames));
        return [...named, ...many].every((n) => names.has(n));
      })
      .toBe(true);
    await viewer.dispose();
  });

  test('Ctrl+K from any page, type, ArrowDown, Enter opens that queue; the list is capped; Esc closes; no CSP violation', async ({ page }) => {
    const problems = cspProblems(page);
    await gotoHydrated(page, '/schedules');
    // The header's button is the mouse users' way in, and is enabled once the page is interactive.
    const button = page.getByRole('button', { name: /Search queues/ });
    await expect(button).toBeEnabled();
    await page.keyboard.press('Control+K');

    const dialog = page.getByRole('dialog', { name: 'Switch to a queue' });
    await expect(dialog).toBeVisible();
    const box = dialog.getByRole('combobox', { name: 'Queue name' });
    await expect(box).toBeFocused();
    await page.keyboard.type(`${stamp}-b`);
    const options = dialog.getByRole('option');
    // Queue names, each with its connection as a second label.
    await expect(options).toHaveText([new RegExp(`^sw-${stamp}-beta\\s*default$`), new RegExp(`^sw-${stamp}-bravo\\s*default$`)]);
    await expect(options.first()).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('ArrowDown');
    await expect(options.nth(1)).toHaveAttribute('aria-selected', 'true');
    await expect(box).toHaveAttribute('aria-activedescendant', (await options.nth(1).getAttribute('id'))!);
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`/connections/default/queues/sw-${stamp}-bravo$`));
    await expect(dialog).toBeHidden();

    // From the queue page too; 60 matches render 50 and count the rest.
    await expect(button).toBeEnabled();
    await page.keyboard.press('Control+K');
    await expect(box).toBeFocused();
    await page.keyboard.type(`swmany-${stamp}`);
    await expect(options).toHaveCount(50);
    await expect(dialog.getByText('10 more — keep typing')).toBeVisible();
    await page.keyboard.type('-5');
    await expect(options).toHaveCount(10);
    await expect(dialog.getByText(/more — keep typing/)).toHaveCount(0);
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(page).toHaveURL(new RegExp(`/connections/default/queues/sw-${stamp}-bravo$`));

    // The header button opens it as well; a name that matches nothing says so.
    await button.click();
    await expect(box).toBeFocused();
    await expect(box).toHaveValue('');
    await page.keyboard.type(`nothing-named-${stamp}`);
    await expect(dialog.getByText(`No queue name contains “nothing-named-${stamp}”`)).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    expect(problems).toEqual([]);
  });
});

test.describe('users and tokens', () => {
  test.use({ storageState: storageStatePath('admin') });

  test('a role change asks first (Esc changes nothing) and its audit entry names the previous and the new role', async ({ page }) => {
    const admin = await apiAs('admin');
    const email = `role-${stamp}@e2e.test`;
    expect((await admin.post('/api/v1/users', { data: { email, role: 'operator' } })).status()).toBe(201);
    const roleOf = async () => ((await (await admin.get('/api/v1/users')).json()).users as Array<{ email: string; role: string }>).find((u) => u.email === email)?.role;

    await gotoHydrated(page, '/users');
    const select = page.getByLabel(`Role of ${email}`);
    await select.selectOption('viewer');
    const dialog = page.getByRole('dialog', { name: 'Change role' });
    await expect(dialog).toContainText(`${email} becomes viewer`);
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(select).toHaveValue('operator');
    expect(await roleOf()).toBe('operator');

    await select.selectOption('viewer');
    await dialog.getByRole('button', { name: 'Make viewer' }).click();
    await expect(page.getByRole('status').filter({ hasText: `${email} is now viewer` })).toBeVisible();
    expect(await roleOf()).toBe('viewer');

    const audit = await (await admin.get(`/api/v1/audit?user=admin@e2e.test&action=user.update`)).json();
    const entry = (audit.entries as Array<{ outcome: string; params?: Record<string, unknown> }>).find((e) => e.params?.email === email);
    expect(entry).toMatchObject({ outcome: 'ok', params: { email, previousRole: 'operator', role: 'viewer' } });
    await admin.dispose();
  });

  test('a token name in use is refused with 409 in the API and under the name field; revoking frees it', async ({ page }) => {
    const admin = await apiAs('admin');
    const name = `dup-${stamp}`;
    // Five at once: exactly one is created.
    const statuses = await Promise.all(Array.from({ length: 5 }, () => admin.post('/api/v1/tokens', { data: { name, role: 'viewer' } }).then((r) => r.status())));
    expect(statuses.sort()).toEqual([201, 409, 409, 409, 409]);
    const holder = ((await (await admin.get('/api/v1/tokens')).json()).tokens as Array<{ id: string; name: string; hint: string }>).find((t) => t.name === name)!;
    const message = `An API token named "${name}" already exists (${holder.hint}…, created by admin@e2e.test): choose another name, or revoke that token first`;
    const again = await admin.post('/api/v1/tokens', { data: { name: name.toUpperCase(), role: 'operator' } });
    expect(again.status()).toBe(409);
    expect(await again.json()).toEqual({ error: { code: 'conflict', message } });

    await gotoHydrated(page, '/users');
    const form = page.getByRole('form', { name: 'Create API token' });
    await form.getByLabel('Token name').fill(` ${name.toUpperCase()} `);
    await form.getByRole('button', { name: 'Create token' }).click();
    await expect(form.getByRole('alert')).toHaveText(message);
    await expect(page.getByTestId('created-token')).toHaveCount(0);

    await page.getByRole('row', { name: new RegExp(name) }).getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke token' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Revoked "${name}"` })).toBeVisible();
    await form.getByLabel('Token name').fill(name);
    await form.getByRole('button', { name: 'Create token' }).click();
    await expect(page.getByTestId('created-token')).toHaveText(/^drv_/);
    await expect(form.getByRole('alert')).toHaveCount(0);
    await admin.dispose();
  });
});
