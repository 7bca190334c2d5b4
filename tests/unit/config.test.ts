import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, readConfig } from '@/lib/config/load-config';

function tempConfig(content: string): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-config-'));
  const file = path.join(dir, 'drover.config.json');
  fs.writeFileSync(file, content);
  return { dir, file };
}

describe('configuration', () => {
  it('fills defaults: prefix "bull", not read-only, dead-letter queue "dead-letter"', () => {
    const cfg = parseConfig({ connections: [{ name: 'main', url: 'redis://localhost:6379' }] }, 'test');
    expect(cfg.connections[0]).toMatchObject({ name: 'main', prefix: 'bull', readOnly: false, deadLetterQueue: 'dead-letter', queues: [] });
  });

  it('names the bad field of the bad connection', () => {
    expect(() =>
      parseConfig({ connections: [{ name: 'a', url: 'redis://x' }, { name: 'b', url: 'http://x' }] }, 'drover.config.json'),
    ).toThrowError(/connections\[1\]\.url: must be a redis:\/\/, rediss:\/\/, redis\+cluster:\/\/, postgres:\/\/ or postgresql:\/\/ URL/);
  });

  it('rejects unknown keys, duplicate names, bad names and empty lists with the field named', () => {
    expect(() => parseConfig({ connections: [{ name: 'a', url: 'redis://x', pasword: 'typo' }] }, 't')).toThrowError(/connections\[0\]: Unrecognized key.*pasword/);
    expect(() => parseConfig({ connections: [{ name: 'a', url: 'redis://x' }, { name: 'a', url: 'redis://y' }] }, 't')).toThrowError(/connections\[1\]\.name: duplicate connection name "a"/);
    expect(() => parseConfig({ connections: [{ name: 'has space', url: 'redis://x' }] }, 't')).toThrowError(/connections\[0\]\.name: must be 1-64 letters/);
    expect(() => parseConfig({ connections: [] }, 't')).toThrowError(/connections: must declare at least one connection/);
    expect(() => parseConfig({ connections: [{ name: 'a', url: 'redis://x', queues: ['bad:name'] }] }, 't')).toThrowError(/connections\[0\]\.queues\.0|connections\[0\]\.queues\[0\]: must not contain ":"/);
    expect(() => parseConfig({ connections: [{ name: 'a', url: 'redis://x' }], consoleConnection: 'b' }, 't')).toThrowError(/consoleConnection: names no declared connection/);
  });

  it('REDIS_URL gives one connection named default', () => {
    const result = readConfig({ REDIS_URL: 'redis://:secret@127.0.0.1:6390' }, fs.mkdtempSync(path.join(os.tmpdir(), 'drover-empty-')));
    expect(result.source).toBe('env');
    expect(result.config.connections).toHaveLength(1);
    expect(result.config.connections[0].name).toBe('default');
  });

  it('reports "none" when nothing is configured (npm start then embeds Redis)', () => {
    expect(readConfig({}, fs.mkdtempSync(path.join(os.tmpdir(), 'drover-empty-'))).source).toBe('none');
  });

  it('reads drover.config.json from the working directory and prefers it over REDIS_URL', () => {
    const { dir } = tempConfig(JSON.stringify({ connections: [{ name: 'prod', url: 'rediss://u:p@h:6380', readOnly: true, prefix: '{bull}' }] }));
    const result = readConfig({ REDIS_URL: 'redis://other' }, dir);
    expect(result.source).toBe('file');
    expect(result.config.connections[0]).toMatchObject({ name: 'prod', readOnly: true, prefix: '{bull}' });
  });

  it('explains a missing DROVER_CONFIG file and invalid JSON', () => {
    expect(() => readConfig({ DROVER_CONFIG: '/nonexistent/drover.json' })).toThrowError(ConfigError);
    expect(() => readConfig({ DROVER_CONFIG: '/nonexistent/drover.json' })).toThrowError(/does not exist/);
    const { file } = tempConfig('{ "connections": [ ');
    expect(() => readConfig({ DROVER_CONFIG: file })).toThrowError(/not valid JSON/);
  });
});
