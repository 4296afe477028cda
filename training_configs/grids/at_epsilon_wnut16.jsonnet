// AT's epsilon on GloVe (the paper's Table 6 sweeps it for Spanish with word2vec vectors): the
// base model with AT (+AT) and the configs' default preset, on WNUT-2016 trained on train only so
// that the dev set selects the epoch and decides: compare the report's dev F1 column, never its
// test F1. Epsilon 5, the configs' default, is the +AT all_but_char_encoder cell of
// authors_options_wnut16.jsonnet (the same runs). Run with e.g.
//   allennlp reproduce training_configs/grids/at_epsilon_wnut16.jsonnet --seeds 3 --jobs 2 \
//       --output-dir reproduce
local combinations = import 'authors_options.libsonnet';
local model = '+AT';
local setting = combinations.for_model(combinations.all_but_char_encoder, model) { wnut16_train: 'train' };
{
  name: 'at-epsilon-wnut16',
  runs: [
    {
      model: model,
      target: 'wnut16',
      setting: 'at_epsilon_' + epsilon,
      config: '../ablation_at_wnut16.jsonnet',
      test_file: '$DATNET_DATA_DIR/wnut2016/test.txt',
      env: { DATNET_OPTIONS: std.manifestJsonMinified(setting { at_epsilon: epsilon }) },
    }
    for epsilon in [1, 3, 9]
  ],
}
