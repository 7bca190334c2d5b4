// Team scopes on the Users & tokens page: an admin adds a user with global role "none" and grants in the
// short form, edits the grants in the Access dialog (a review says what changes before saving; a bad
// grant is named under its row), and withholds an operation from a role in the permission matrix.
import { test, expect } from '@playwright/test';
import { apiAs, gotoHydrated, storageStatePath } from './support';

const stamp = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

test.use({ storageState: storageStatePath('admin') });

test('an admin gives a user grants, edits them after a review, and a bad grant is named under its row', async ({ page }) => {
  const admin = await apiAs('admin');
  const email = `grants-${stamp}@e2e.test`;
  const grantsOf = async () => ((await (await admin.get('/api/v1/users')).json()).users as Array<{ email: string; role: string; grants?: unknown[] }>).find((u) => u.email === email);

  await gotoHydrated(page, '/users');
  const add = page.getByRole('form', { name: 'Add user' });
  await add.getByLabel('Email').fill(email);
  await add.getByLabel('Role', { exact: true }).selectOption('none');
  await add.getByLabel(/^Grants/).fill('operator@*/billing-* viewer@*/email');
  await add.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Added ${email} as none with 2 grants` })).toBeVisible();
  expect(await grantsOf()).toMatchObject({ role: 'none', grants: [{ connection: '*', queue: 'billing-*', role: 'operator' }, { connection: '*', queue: 'email', role: 'viewer' }] });
  const row = page.getByRole('row', { name: new RegExp(email) });
  await expect(row.getByRole('list', { name: 'Grants' })).toHaveText(/operator@\*\/billing-\*\s*viewer@\*\/email/);

  await row.getByRole('button', { name: `Edit access of ${email}` }).click();
  const dialog = page.getByRole('dialog', { name: `Access of ${email}` });
  await dialog.getByRole('button', { name: 'Remove grant 2' }).click();
  const shortForm = dialog.getByLabel(`Add grants to grants of ${email}`);
  await shortForm.fill('admin@main/audit');
  await shortForm.press('Enter');
  await expect(dialog.getByLabel('Grant 2 queue pattern')).toHaveValue('audit');
  await dialog.getByRole('button', { name: 'Review changes' }).click();
  const review = dialog.getByTestId('access-review');
  await expect(review).toContainText('Grant added: admin@main/audit');
  await expect(review).toContainText('Grant removed: viewer@*/email');
  await expect(review).toContainText('New grants apply from their next request');
  await review.getByRole('button', { name: 'Save access' }).click();
  await expect(dialog).toBeHidden();
  expect((await grantsOf())?.grants).toEqual([{ connection: '*', queue: 'billing-*', role: 'operator' }, { connection: 'main', queue: 'audit', role: 'admin' }]);

  // An empty queue pattern: the server's message appears under that row, nothing is saved.
  await row.getByRole('button', { name: `Edit access of ${email}` }).click();
  await dialog.getByRole('button', { name: 'Add grant' }).click();
  await dialog.getByRole('button', { name: 'Review changes' }).click();
  await dialog.getByRole('button', { name: 'Save access' }).click();
  await expect(dialog.getByRole('alert')).toContainText('a pattern is required');
  await expect(dialog.getByLabel('Grant 3 queue pattern')).toHaveAttribute('aria-invalid', 'true');
  await page.keyboard.press('Escape');
  expect((await grantsOf())?.grants).toHaveLength(2);

  const audit = await (await admin.get('/api/v1/audit?action=user.update')).json();
  const entry = (audit.entries as Array<{ outcome: string; params?: Record<string, unknown> }>).find((e) => e.params?.email === email && e.outcome === 'ok');
  expect(entry?.params).toMatchObject({ previousGrants: 'operator@*/billing-*, viewer@*/email', grants: 'operator@*/billing-*, admin@main/audit' });
  await admin.dispose();
});

test('the permission matrix withholds an operation from a role after a confirmation, and gives it back', async ({ page }) => {
  const admin = await apiAs('admin');
  const withheld = async () => (await (await admin.get('/api/v1/permissions')).json()).withhold.operator as string[];
  await gotoHydrated(page, '/users#permissions');
  const matrix = page.getByRole('table', { name: 'Permission matrix' });
  // Only where the role holds it: no operator cell for user.add; users and tokens stay with admin.
  await expect(matrix.getByLabel('Withhold user.add from operator')).toHaveCount(0);
  await expect(matrix.getByLabel('Withhold user.add from admin')).toBeDisabled();

  const cell = matrix.getByLabel('Withhold schedule.migrate from operator');
  await cell.click();
  const confirm = page.getByRole('dialog', { name: 'Withhold operation' });
  await expect(confirm).toContainText('within 2 s on every other console replica');
  await confirm.getByRole('button', { name: 'Withhold' }).click();
  await expect.poll(withheld).toContain('schedule.migrate');
  await expect(cell).toBeChecked();

  await cell.click();
  await page.getByRole('dialog', { name: 'Give operation back' }).getByRole('button', { name: 'Give back' }).click();
  await expect.poll(withheld).not.toContain('schedule.migrate');
  await expect(cell).not.toBeChecked();
  await admin.dispose();
});
