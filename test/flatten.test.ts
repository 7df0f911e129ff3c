import { flattenIntrinsic, parseFlattenedDefinition } from '../lib/asl';

describe('flattenIntrinsic', () => {
  test('joins Fn::Join parts and writes references as placeholders', () => {
    const value = {
      'Fn::Join': ['', [
        '{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"',
        { 'Fn::GetAtt': ['ChargeFn1234ABCD', 'Arn'] },
        '","Parameters":{"Table":"',
        { Ref: 'Orders5678' },
        '","Region":"',
        { Ref: 'AWS::Region' },
        '"},"End":true}}}',
      ]],
    };
    expect(JSON.parse(flattenIntrinsic(value))).toEqual({
      StartAt: 'A',
      States: { A: { Type: 'Task', Resource: '${ChargeFn1234ABCD.Arn}', Parameters: { Table: '${Orders5678}', Region: '${AWS::Region}' }, End: true } },
    });
  });

  test('handles nested joins, GetAtt as a dotted string and unknown intrinsics', () => {
    expect(flattenIntrinsic({ 'Fn::Join': [':', ['a', { 'Fn::Join': ['-', ['b', 'c']] }, { 'Fn::GetAtt': 'Fn.Arn' }]] })).toBe('a:b-c:${Fn.Arn}');
    expect(flattenIntrinsic({ 'Fn::ImportValue': 'SharedTable' })).toBe('${Fn::ImportValue}');
  });

  test('fails on a value it cannot render', () => {
    expect(() => flattenIntrinsic(['not', 'a', 'value'])).toThrow(/Cannot flatten CloudFormation value/);
  });
});

describe('parseFlattenedDefinition', () => {
  test('applies DefinitionSubstitutions before parsing', () => {
    const definition = parseFlattenedDefinition('{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"${fn}","End":true}}}', {
      fn: { 'Fn::GetAtt': ['Fn', 'Arn'] },
    });
    expect(definition.States.A.Resource).toBe('${Fn.Arn}');
  });

  test('fails with the state machine named when the text is not JSON', () => {
    expect(() => parseFlattenedDefinition('{"StartAt":', {}, 'Shop/Orders')).toThrow(/The definition of Shop\/Orders is not valid JSON/);
  });
});
