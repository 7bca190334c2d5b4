import { describe, expect, it } from 'vitest';
import { describeEndpoint, redactUrl } from '@/lib/config/redact';

describe('redis URL redaction', () => {
  it('hides passwords and usernames-with-passwords', () => {
    expect(redactUrl('redis://:hunter2@host:6379/0')).toBe('redis://***@host:6379/0');
    expect(redactUrl('rediss://app:hunter2@host:6380')).toBe('rediss://app:***@host:6380');
    expect(redactUrl('redis://host:6379')).toBe('redis://host:6379');
  });

  it('describes the endpoint without credentials', () => {
    expect(describeEndpoint('redis://:hunter2@10.0.0.1:6379/2')).toBe('10.0.0.1:6379');
    expect(describeEndpoint('rediss://u:p@w@cache.example.com:6380?x=1')).toBe('cache.example.com:6380');
  });
});
