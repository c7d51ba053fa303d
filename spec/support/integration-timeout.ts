// Integration tests start processes and talk to a real broker: minutes, not seconds, on 2 cores.
jest.setTimeout(120_000);
