/** replay loads a config without the source's secrets (issue 16): the API key may be unset. */
import { validateConfig } from '../../../lib/config/validate';
import { SecretMissingError } from '../../../lib/errors';

const pipeline = {
  source: {
    client: { base_url: 'https://api.example.com', auth: { type: 'api_key', name: 'api_key', location: 'query', api_key: { $secret: 'api_key' } } },
    resources: ['incidents'],
  },
  kafka: { brokers: '127.0.0.1:9092', sasl: { mechanism: 'plain', username: 'u', password: '${KAFKA_PASSWORD}' } },
};

it('resolveSourceSecrets: false leaves the unset API key unresolved and still resolves Kafka secrets', () => {
  const { config, resources } = validateConfig(pipeline, { env: { KAFKA_PASSWORD: 'pw' }, resolveSourceSecrets: false });
  expect(config.kafka.sasl?.password).toBe('pw');
  expect(resources.map((r) => r.name)).toEqual(['incidents']);
  expect(JSON.stringify(config.source)).toContain('{"$secret":"api_key"}');
});

it('resolveSourceSecrets: false still fails on a missing Kafka secret', () => {
  expect(() => validateConfig(pipeline, { env: {}, resolveSourceSecrets: false })).toThrow(SecretMissingError);
});

it('by default the unset API key is an error', () => {
  expect(() => validateConfig(pipeline, { env: { KAFKA_PASSWORD: 'pw' } })).toThrow(SecretMissingError);
});

it('a bare source has no secrets outside the source', () => {
  expect(() => validateConfig(pipeline.source, { env: {}, resolveSourceSecrets: false })).not.toThrow();
});
