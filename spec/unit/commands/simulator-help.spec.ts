import { simulatorCommand } from '../../../lib/commands/simulator';

it('regression: simulator --help gives the control endpoints with their bodies', () => {
  expect(simulatorCommand.help).toContain('POST /_sim/update   {"resource":"incidents","count":7}');
  expect(simulatorCommand.help).toContain('POST /_sim/delete   {"resource":"incidents","ids":["INC00000042"]}');
  expect(simulatorCommand.help).toContain('POST /_sim/insert   {"resource":"incidents","count":5}');
});
