// The one rule for "this machine": bind addresses, socket addresses and Host headers.

import { expect } from 'chai';
import { hostOfHeader, isLoopback } from '../../bot/loopback.js';

describe('loopback rule', () => {
  it('counts localhost, 127.0.0.0/8, ::1 and IPv4-mapped 127.x as loopback', () => {
    for (const host of ['localhost', 'LocalHost', '127.0.0.1', '127.255.0.9', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])
      expect(isLoopback(host), host).to.equal(true);
  });

  it('counts no name that merely starts like one, and no other address', () => {
    for (const host of ['127.attacker.example', '127.0.0.1.nip.io', 'localhost.evil.example', '10.0.0.1', '::ffff:10.0.0.1', '0.0.0.0', '::', '', undefined]) {
      expect(isLoopback(host), String(host)).to.equal(false);
    }
  });

  it('reads the host of a Host header with or without a port, IPv6 in brackets', () => {
    expect(hostOfHeader('127.0.0.1:3978')).to.equal('127.0.0.1');
    expect(hostOfHeader('[::1]:3978')).to.equal('::1');
    expect(hostOfHeader('localhost')).to.equal('localhost');
    expect(hostOfHeader('evil.example:80')).to.equal('evil.example');
    expect(hostOfHeader('a:b:c')).to.equal(undefined);
    expect(hostOfHeader(undefined)).to.equal(undefined);
  });
});
