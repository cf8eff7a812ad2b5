/**
 * Broker contacts (pure, injected clock): which brokers of a cluster answered recently, and the
 * role each played, so an error can say "a refused connections (b, c answered)" rather than "no
 * broker answered", and name a stopped broker's role.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerContacts } from './broker-contacts.js';

test('lists the brokers that answered within the window, in address order', () => {
  let now = 1_000;
  const contacts = new BrokerContacts(() => now);
  contacts.answered('c:9092', 'Metadata');
  contacts.answered('a:9092', 'Fetch');
  now = 20_000;
  contacts.answered('b:9092', 'Heartbeat');
  assert.deepEqual(contacts.answeredWithin(60_000), ['a:9092', 'b:9092', 'c:9092']);
  assert.deepEqual(contacts.answeredWithin(5_000), ['b:9092'], 'a and c have not answered for 19 s');
  now = 30_000;
  contacts.answered('a:9092', 'Fetch');
  assert.deepEqual(contacts.answeredWithin(15_000), ['a:9092', 'b:9092'], 'an answer renews a broker');
});

test('names the roles a broker played from the requests it ever answered', () => {
  const contacts = new BrokerContacts(() => 0);
  contacts.answered('a:9092', 'Produce');
  contacts.answered('b:9092', 'Heartbeat');
  contacts.answered('b:9092', 'Fetch');
  contacts.answered('c:9092', 'Metadata');
  assert.deepEqual(contacts.rolesOf('a:9092'), ['partition leader']);
  assert.deepEqual(contacts.rolesOf('b:9092'), ['group coordinator', 'partition leader']);
  assert.deepEqual(contacts.rolesOf('c:9092'), [], 'metadata says nothing of a role');
  assert.deepEqual(contacts.rolesOf('d:9092'), [], 'never seen');
});
