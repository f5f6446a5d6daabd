import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jobGroupDnsProblems, jobGroupLaunchOf } from './job-group';

describe('jobGroupDnsProblems', () => {
  it('accepts DNS labels, capitals included (DNS ignores case)', () => {
    assert.deepEqual(jobGroupDnsProblems('rl', [{ name: 'trainer', numNodes: 2 }, { name: 'Replay-Buffer', numNodes: 1 }]), []);
    assert.deepEqual(jobGroupDnsProblems('RL-2', [{ name: '0worker', numNodes: 1 }]), []);
  });

  it('names the field, the value and what is expected', () => {
    const [p] = jobGroupDnsProblems('my_group', [{ name: 'a', numNodes: 1 }]);
    assert.equal(p?.field, 'name');
    assert.equal(p?.value, 'my_group');
    assert.match(p?.message ?? '', /'my_group' must be a DNS label.*letters, digits and '-', starting with a letter/);
    const [t] = jobGroupDnsProblems('rl', [{ name: 'ok', numNodes: 1 }, { name: 'data_loader', numNodes: 1 }]);
    assert.deepEqual([t?.field, t?.value], ['tasks[1].name', 'data_loader']);
    assert.match(t?.message ?? '', /'data_loader-0'/);
  });

  it('refuses a group name a Service cannot have (a leading digit) and labels over 63 characters with the node number', () => {
    assert.equal(jobGroupDnsProblems('1rl', [])[0]?.field, 'name');
    assert.equal(jobGroupDnsProblems('g'.repeat(64), []).length, 1);
    assert.deepEqual(jobGroupDnsProblems('rl', [{ name: 't'.repeat(61), numNodes: 10 }]), []);
    const [long] = jobGroupDnsProblems('rl', [{ name: 't'.repeat(61), numNodes: 11 }]);
    assert.match(long?.message ?? '', /-10'/);
    assert.equal(jobGroupDnsProblems('rl', [{ name: '-a', numNodes: 1 }]).length, 1);
  });

  it('refuses two tasks that differ only in case', () => {
    const problems = jobGroupDnsProblems('rl', [{ name: 'Trainer', numNodes: 1 }, { name: 'trainer', numNodes: 1 }]);
    assert.equal(problems.length, 1);
    assert.match(problems[0]?.message ?? '', /same host name as task 'Trainer'/);
  });
});

describe('jobGroupLaunchOf', () => {
  it('reads a well-formed payload entry and nothing else', () => {
    assert.deepEqual(jobGroupLaunchOf({ jobGroup: { name: 'rl', task: 'trainer', managedJobId: 7 } }), { name: 'rl', task: 'trainer', managedJobId: 7 });
    assert.equal(jobGroupLaunchOf({}), undefined);
    assert.equal(jobGroupLaunchOf(null), undefined);
    assert.equal(jobGroupLaunchOf({ jobGroup: { name: 'rl', task: 'trainer', managedJobId: '7' } }), undefined);
  });
});
