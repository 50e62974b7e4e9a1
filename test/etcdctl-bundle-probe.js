// A module that needs Node built-ins in a browser bundle (yargs-parser's Node entry imports util, path, fs):
// test/etcdctl-bundle.test.ts bundles it to show its check notices them.
import parse from 'yargs-parser';
export const probe = parse(['--a']);
