// @makapix/testbed: other deployables started in-process for the api's integration tests (a real
// broker, the worker's real job handlers), so no deployable lists another as a dependency.
export { type TestBroker, brokerTestEnv, startTestBroker } from './test-broker.ts';
