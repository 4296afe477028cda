// AT's character perturbation: the configs' default follows the authors' code, which normalises
// it per sentence and per character dimension (a total norm of epsilon * sqrt(30) for 30-d
// characters, about twice a sentence's whole character embedding); 'sentence' normalises it per
// sentence, as the words' (the paper's text). The base model with AT (+AT) and the configs'
// default preset, on WNUT-2016 trained on train only so that the dev set selects the epoch and
// decides: compare the report's dev F1 column, never its test F1. The default,
// 'sentence_and_dimension', is the +AT all_but_char_encoder cell of authors_options_wnut16.jsonnet
// (the same runs). Run with e.g.
//   allennlp reproduce training_configs/grids/at_character_norm_wnut16.jsonnet --seeds 3 --jobs 2 \
//       --output-dir reproduce
local combinations = import 'authors_options.libsonnet';
local model = '+AT';
local setting = combinations.for_model(combinations.all_but_char_encoder, model) { wnut16_train: 'train' };
{
  name: 'at-character-norm-wnut16',
  runs: [
    {
      model: model,
      target: 'wnut16',
      setting: 'at_character_norm_' + norm,
      config: '../ablation_at_wnut16.jsonnet',
      test_file: '$DATNET_DATA_DIR/wnut2016/test.txt',
      env: { DATNET_OPTIONS: std.manifestJsonMinified(setting { at_character_norm: norm }) },
    }
    for norm in ['sentence']
  ],
}
