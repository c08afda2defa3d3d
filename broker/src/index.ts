// @makapix/broker: the device-plane MQTT broker (docs/device-protocol.md §1, §3, §4).
export { authorizePublish, authorizeSubscribe, type AclDecision, type AclDenyReason, type Identity } from './acl.ts';
export { loadConfig, type BrokerConfig } from './config.ts';
export { createBrokerServer, type BrokerPorts, type BrokerServer } from './server.ts';
