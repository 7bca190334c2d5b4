// Shared by e2e specs: the test Redis, signed-in request contexts per role, and known credentials.
import fs from 'node:fs';
import path from 'node:path';
import { expect, request as playwrightRequest, type APIRequestContext, type Browser, type Page } from '@playwright/test';

export type Role = 'viewer' | 'operator' | 'admin';

export const USERS: Record<Role, { email: string; password: string }> = {
  admin: { email: 'admin@e2e.test', password: process.env.E2E_ADMIN_PASSWORD! },
  operator: { email: 'operator@e2e.test', password: 'operator password 1' },
  viewer: { email: 'viewer@e2e.test', password: 'viewer password 1' },
};

export const baseURL = `http://localhost:${process.env.E2E_PORT}`;

export function storageStatePath(role: Role): string {
  return path.join(process.env.E2E_DATA_DIR!, `storage-${role}.json`);
}

export function redisUrl(): string {
  return fs.readFileSync(path.join(process.env.E2E_DATA_DIR!, 'e2e-redis-url'), 'utf8').trim();
}

export function secrets(): string[] {
  return [process.env.E2E_REDIS_PASSWORD!, process.env.E2E_AUTH_SECRET!];
}

/** A request context signed in as `role` (cookie from the setup project), same-origin for mutations. */
export async function apiAs(role: Role | 'anonymous'): Promise<APIRequestContext> {
  return playwrightRequest.newContext({
    baseURL,
    storageState: role === 'anonymous' ? undefined : storageStatePath(role),
    extraHTTPHeaders: { origin: baseURL },
  });
}

/**
 * Opens a page and waits until React has hydrated it (app/providers.tsx marks <html data-hydrated>): a click
 * on a JavaScript-only control (a dialog opener) before that is lost, which a loaded machine made visible.
 */
export async function gotoHydrated(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await waitForHydration(page);
}

/** Waits until the page in view has hydrated (after a navigation that was not a `goto`, e.g. a sign-in). */
export async function waitForHydration(page: Page): Promise<void> {
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await gotoHydrated(page, '/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

export async function expectSignedIn(page: Page, role: Role): Promise<void> {
  await expect(page.getByTestId('current-user')).toHaveText(USERS[role].email);
  await expect(page.getByTestId('current-role')).toHaveText(role);
}

/**
 * A spec's own timeout, stretched by the load like the config's default (E2E_LOAD_FACTOR, set in
 * playwright.config.ts when the run starts): a fixed number would undo the stretch for that spec.
 */
export function stretched(ms: number): number {
  return Math.round(ms * (Number(process.env.E2E_LOAD_FACTOR) || 1));
}

/**
 * Adds a user of role "none" with these grants (the short form of the Grants field) and a password on
 * the Users & tokens page, signed in as the admin in a context of its own, and waits for the confirmation.
 */
export async function addScopedUser(browser: Browser, email: string, password: string, grants: string): Promise<void> {
  const context = await browser.newContext({ storageState: storageStatePath('admin') });
  try {
    const admin = await context.newPage();
    await gotoHydrated(admin, '/users');
    const add = admin.getByRole('form', { name: 'Add user' });
    await add.getByLabel('Email').fill(email);
    await add.getByLabel('Role', { exact: true }).selectOption('none');
    await add.getByLabel(/^Grants/).fill(grants);
    await add.getByLabel(/^Password/).fill(password);
    await add.getByRole('button', { name: 'Add user' }).click();
    const n = grants.trim().split(/\s+/).length;
    await expect(admin.getByRole('status').filter({ hasText: `Added ${email} as none with ${n} grant${n === 1 ? '' : 's'}` })).toBeVisible();
  } finally {
    await context.close();
  }
}
