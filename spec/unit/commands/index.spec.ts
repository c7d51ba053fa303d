import { commands } from '../../../lib/commands';

describe('the command list (each command loaded when first used)', () => {
  it.each(commands.map((c) => c.name))('lists %s under the name of the command its module holds', (name) => {
    const command = commands.find((c) => c.name === name)!;
    expect(command.summary.length).toBeGreaterThan(0); // loads it; a name that does not match throws
    expect(command.help.length).toBeGreaterThan(command.summary.length);
  });
});
