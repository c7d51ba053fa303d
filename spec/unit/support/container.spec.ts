/** The Dockerfile and compose readers the container spec relies on: if they misread, it checks nothing. */
import { copiesOf, dockerIgnored, envOf, execForm, interpolateCompose, lastArgs, parseCompose, parseDockerfile, serviceProcess } from '../../support/container';

describe('interpolateCompose', () => {
  const env = { SET: 'v', EMPTY: '' };
  it.each([
    ['${SET}', 'v'],
    ['$SET/x', 'v/x'],
    ['${UNSET}', ''],
    ['${UNSET:-d}', 'd'],
    ['${EMPTY:-d}', 'd'],
    ['${SET:-d}', 'v'],
    ['${UNSET-d}', 'd'],
    ['${EMPTY-d}', ''],
    ['${UNSET:-http://h:1/p}', 'http://h:1/p'],
    ['$${SET} costs $$5', '${SET} costs $5'],
    ['a ${SET} b ${UNSET:-c}', 'a v b c'],
  ])('%s → %s', (value, expected) => {
    expect(interpolateCompose(value, env)).toBe(expected);
  });

  it('refuses modifiers it does not implement instead of guessing', () => {
    expect(() => interpolateCompose('${SET:?needed}', env)).toThrow('"${SET:?needed}" is not supported here');
  });
});

describe('parseDockerfile', () => {
  const stages = parseDockerfile(`# syntax=docker/dockerfile:1
FROM --platform=linux/amd64 node:20 AS build
WORKDIR /src
RUN npm ci \\
  # a comment inside a continuation
  --no-audit
COPY --chown=node:node a b ./
FROM node:20-slim
ENV NODE_ENV=production MODE="x y"
ENV LEGACY some value
COPY --from=build /src/dist ./dist
ENTRYPOINT ["node", "cli.js"]
USER node
USER app
`);

  it('splits stages, names them and joins continuation lines without comments', () => {
    expect(stages.map((s) => [s.base, s.name])).toEqual([
      ['node:20', 'build'],
      ['node:20-slim', null],
    ]);
    expect(lastArgs(stages[0], 'RUN')).toMatch(/^npm ci\s+--no-audit$/);
  });

  it('reads COPY sources, destination and stage, ENV, the effective USER and the exec form', () => {
    expect(copiesOf(stages[0])).toEqual([{ from: null, sources: ['a', 'b'], dest: './' }]);
    expect(copiesOf(stages[1])).toEqual([{ from: 'build', sources: ['/src/dist'], dest: './dist' }]);
    expect(envOf(stages[1])).toEqual({ NODE_ENV: 'production', MODE: 'x y', LEGACY: 'some value' });
    expect(lastArgs(stages[1], 'USER')).toBe('app');
    expect(execForm(lastArgs(stages[1], 'ENTRYPOINT')!)).toEqual(['node', 'cli.js']);
    expect(() => execForm('node cli.js')).toThrow('not the exec form');
  });
});

describe('dockerIgnored', () => {
  const ignore = '# comment\nnode_modules\nbench/results\n*.log\ndocs/**\n!docs/keep.md\n';
  it.each([
    ['node_modules', true],
    ['node_modules/x/index.js', true],
    ['bench', false],
    ['bench/results/a.json', true],
    ['app.log', true],
    ['logs/app.log', false],
    ['docs/a/b.md', true],
    ['docs/keep.md', false],
    ['./schemas', false],
  ])('%s → %s', (file, ignored) => {
    expect(dockerIgnored(file, ignore)).toBe(ignored);
  });
});

describe('serviceProcess', () => {
  const [image] = parseDockerfile('FROM node:20\nENV NODE_ENV=production\nENTRYPOINT ["node", "cli.js"]\nCMD ["--help"]\n');
  const services = parseCompose(`
x-app: &app
  build: .
  environment:
    FROM_ANCHOR: "yes"
services:
  plain:
    <<: *app
  custom:
    <<: *app
    entrypoint: ["sh"]
    command: ["run", "--every", "\${EVERY:-5m}"]
    environment: ["KEY=\${KEY:-k}", "PORT=8080"]
`);

  it("falls back to the image's ENTRYPOINT and CMD, merging the anchor's keys", () => {
    expect(serviceProcess(services.plain, image, {})).toEqual({ argv: ['node', 'cli.js', '--help'], env: { NODE_ENV: 'production', FROM_ANCHOR: 'yes' } });
  });

  it("uses the service's entrypoint, command and list-form environment, interpolated", () => {
    expect(serviceProcess(services.custom, image, { EVERY: '3s' })).toEqual({ argv: ['sh', 'run', '--every', '3s'], env: { NODE_ENV: 'production', KEY: 'k', PORT: '8080' } });
  });
});
