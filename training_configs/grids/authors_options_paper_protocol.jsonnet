// The issue's final rows with the authors'-code combination that won on WNUT-2016 dev F1
// (all_but_char_encoder, docs/authors-options.md), on test in the paper's protocols:
//   * WNUT-2016 full data (Table 4): train + dev, the last of 50 epochs;
//   * WNUT-2016 with 10 to 1,000 target sentences (Table 3; the issue asks for 500): drawn from
//     train only, dev selects the epoch (the authors' low-resource protocol);
//   * WNUT-2017 (Table 2): train, dev selects the epoch.
// and, setting all_but_char_encoder_dev_selects, WNUT-2016 full data as the authors' code runs it
// (use_dev): train + dev, and the dev set, although trained on, still selects the epoch;
// setting all_but_char_encoder_test_selects is a diagnostic, not a protocol: the test set itself
// selects the epoch, the most any choice of epoch could give (an upper bound; never a result);
// setting all_but_char_encoder_first_sentences trains Table 3's rows on the first N training
// sentences, as the authors' code does, instead of N drawn at random; setting
// all_but_char_encoder_sample_per_seed draws its N sentences with each run's seed; setting
// all_but_char_encoder_plus_fine_tuned_word_vectors is Table 4, Table 3 at 500 sentences and
// WNUT-2017 with the GloVe vectors fine-tuned and GRAD's gradient reversed at the authors' 0.7;
// setting ..._plus_grad_reversal_0 is those rows of the models with a discriminator without
// gradient reversal; the default's Table 4 rows also run with the authors' selection (settings
// ..._plus_fine_tuned_word_vectors_dev_selects and ..._plus_grad_reversal_0_dev_selects).
// The default preset, `recommended`, is the second on the models with a discriminator and the
// first (which is the same) on the others; Table 3's + AT, + F-Transfer,
// + P-Transfer and DATNet-P rows at 500 sentences run with these two settings only, Table 3's Base
// and + AT rows at its other sizes, its + F-Transfer and DATNet-F rows at 1,000 sentences and
// Table 4's part-share rows (+ P-T (GRAD), DATNet-P) with the default only. Setting
// ..._plus_fine_tuned_word_vectors_150_epochs is a diagnostic, not the paper's protocol: Table 3's
// Base and + AT rows at 10 to 100 sentences trained 150 epochs instead of 50. Setting
// ..._plus_fine_tuned_word_vectors_plus_word_casing is Table 3's base model with the word_casing
// option (not in the paper) at 50 to 1,000 sentences, and on WNUT-2017, and Table 3's + AT with it
// at 500 sentences; setting ..._plus_grad_reversal_0_plus_word_casing, Table 3's + F-Transfer with
// it at 500 sentences.
// Run with e.g.
//   allennlp reproduce training_configs/grids/authors_options_paper_protocol.jsonnet --seeds 3 \
//       --jobs 2 --only target=wnut16 --output-dir reproduce
local combinations = import 'authors_options.libsonnet';
local combination = 'all_but_char_encoder';
// The combination with fine-tuned GloVe: the default preset's (`recommended`) Base and + AT rows.
local fine_tuned = 'all_but_char_encoder_plus_fine_tuned_word_vectors';
// ... with no gradient reversal from GRAD's discriminator into the shared layers, which raised
// DATNet-F's dev F1 by 2.64 at 500 sentences (docs/authors-options.md): on the models with a
// discriminator, the default preset's rows.
local no_reversal = 'all_but_char_encoder_plus_fine_tuned_word_vectors_plus_grad_reversal_0';
local with_discriminator = ['+F-T (GRAD)', 'DATNet-F'];
// WNUT-2016 full data as the authors' code runs it (use_dev): dev, although trained on, selects the epoch.
local authors_selection = { wnut16_train: 'train+dev_dev_selects' };

// `base` names the combination of authors_options.libsonnet the row starts from; `setting`, the
// row's label in the report, is that name unless the row adds options to it.
local row(model, config, target, corpus, paper_f1, sentences=null, extra={}, base=combination, setting=base, overrides={}) = {
  model: model,
  target: target,
  setting: setting,
  config: '../' + config + '.jsonnet',
  test_file: '$DATNET_DATA_DIR/' + corpus + '/test.txt',
  paper_f1: paper_f1,
  [if sentences != null then 'target_sentences']: sentences,
  [if overrides != {} then 'overrides']: overrides,
  env: {
    DATNET_OPTIONS: std.manifestJsonMinified(
      combinations.for_model(combinations[base], model) + extra
    ),
  },
};
// Table 4, WNUT-2016: model, config and the paper's F1.
local table4 = [
  ['Base', 'datnet_base_wnut16', 44.37],
  ['+AT', 'ablation_at_wnut16', 47.41],
  ['+F-T (GRAD)', 'ablation_f_transfer_grad_wnut16', 51.31],
  ['DATNet-F', 'datnet_f_wnut16', 53.43],
];
// Table 4's part-share rows, WNUT-2016, run with the default preset only: + P-Transfer (GRAD)
// and DATNet-P tag from [private; shared] BiLSTMs (100 each). DATNet-P's paper F1 is Table 4's
// (the best of 10 runs, as DATNet-F's 53.43; Table 2's mean of 10: 50.41).
local table4_part_share = [
  ['+P-T (GRAD)', 'ablation_p_transfer_grad_wnut16', 48.91],
  ['DATNet-P', 'datnet_p_wnut16', 50.85],
];
// Table 3, WNUT-2016: model, config and the paper's F1 for each number of target sentences.
local table3_sizes = [10, 50, 100, 200, 500, 1000];
local table3 = [
  ['Base', 'datnet_base_wnut16', [3.80, 14.07, 17.99, 26.20, 31.78, 36.99]],
  ['DATNet-F', 'datnet_f_wnut16', [17.14, 22.59, 28.41, 32.48, 39.20, 45.25]],
];
// Table 3's + AT row, WNUT-2016: run with the default preset at every size, beside its Base row;
// its + F-Transfer row, with the default at 1,000 sentences (and at 500 below).
local table3_at = ['+AT', 'ablation_at_wnut16', [4.34, 16.87, 18.43, 26.32, 35.68, 41.69]];
local table3_f_transfer = ['+F-Transfer', 'ablation_f_transfer_grad_wnut16', [15.26, 20.04, 26.60, 32.22, 38.35, 44.81]];
// Table 3's other rows at 500 sentences (model, config and the paper's F1 there), run with
// fine-tuned GloVe only (the models with a discriminator with and without reversal): with the base
// and DATNet-F rows, + AT and + F-Transfer show where AT and transfer each come in with few
// sentences; the part-share models tag from [private; shared] BiLSTMs, so what the reversal takes
// from the shared one the private ones may keep, where on DATNet-F and F-Transfer it cost 2.3 to
// 2.6 dev F1 here.
local at_500(model) = [model[0], model[1], model[2][std.find(500, table3_sizes)[0]]];
local table3_ablations_500 = [
  at_500(table3_at),
  at_500(table3_f_transfer),
  ['+P-Transfer', 'ablation_p_transfer_grad_wnut16', 34.90],
  ['DATNet-P', 'datnet_p_wnut16', 36.05],
];
// Table 2, WNUT-2017: model, config and the paper's F1.
local table2 = [
  ['Base', 'datnet_base_wnut17', 34.67],
  ['DATNet-F', 'datnet_f_wnut17', 42.32],
];
{
  name: 'authors-options-paper-protocol',
  runs: [
    // Table 4, WNUT-2016, the last epoch kept.
    row(model[0], model[1], 'wnut16', 'wnut2016', model[2])
    for model in table4
  ] + [
    // Table 4, WNUT-2016, the authors' code's selection.
    row(model[0], model[1], 'wnut16', 'wnut2016', model[2], extra=authors_selection,
        setting=combination + '_dev_selects')
    for model in table4
  ] + [
    // Table 4, WNUT-2016, the epoch chosen on test: how far epoch selection alone could go.
    row(model[0], model[1], 'wnut16', 'wnut2016', model[2], extra=authors_selection,
        setting=combination + '_test_selects',
        overrides={ validation_data_path: '$DATNET_DATA_DIR/wnut2016/test.txt' })
    for model in table4
  ] + [
    // Table 4, WNUT-2016, the last epoch kept, with the GloVe vectors fine-tuned (option
    // word_vectors), which raised dev F1 in the screening (docs/authors-options.md).
    row(model[0], model[1], 'wnut16', 'wnut2016', model[2], base=fine_tuned)
    for model in table4
  ] + [
    // ... and without gradient reversal; Table 4's part-share rows only so (the default preset).
    row(model[0], model[1], 'wnut16', 'wnut2016', model[2], base=no_reversal)
    for model in [model for model in table4 if std.member(with_discriminator, model[0])] + table4_part_share
  ] + [
    // Table 4, WNUT-2016, the default preset with the authors' code's selection, as for the
    // combination above: a protocol reported beside the last epoch, not an option chosen on test.
    local default = if std.member(with_discriminator, model[0]) then no_reversal else fine_tuned;
    row(model[0], model[1], 'wnut16', 'wnut2016', model[2], extra=authors_selection,
        base=default, setting=default + '_dev_selects')
    for model in table4
  ] + [
    // Table 3, WNUT-2016 with 10 to 1,000 target sentences (the issue asks for 500), drawn at
    // random and, setting ..._first_sentences, the first N as the authors' code takes them (the
    // first ones hold more entities, 0.64 to 0.69 a sentence at 100 to 1,000 against 0.59 to
    // 0.61): a protocol, reported beside the random draw, not chosen on test. Setting
    // ..._sample_per_seed draws other N sentences for each seed (sample seed = run seed), so that
    // the mean is over draws too and not over one draw.
    row(model[0], model[1], 'wnut16', 'wnut2016', model[2][index], table3_sizes[index],
        { wnut16_train: 'train' } + subset[1], setting=combination + subset[0])
    for subset in [['', {}], ['_first_sentences', { target_subset: 'first' }], ['_sample_per_seed', { target_sample_seed: 'run_seed' }]]
    for model in table3
    for index in std.range(0, std.length(table3_sizes) - 1)
  ] + [
    // Table 3's base model with the authors' TensorFlow initial weights: with 50 to 200 sentences
    // it takes only 100 to 350 optimizer steps, where initial weights may matter more (dev decides).
    row('Base', 'datnet_base_wnut16', 'wnut16', 'wnut2016', table3[0][2][index], table3_sizes[index],
        { wnut16_train: 'train', initialization: 'tensorflow' }, setting=combination + '_plus_tensorflow_initialization')
    for index in [1, 2, 3]
  ] + [
    // Table 3's base model with the authors' character vocabulary (every character seen 5 times
    // in WNUT-2016's train, dev and test files, not only in the N training sentences): with 50 to
    // 200 sentences many characters are rare in training and share the unknown one (dev decides).
    row('Base', 'datnet_base_wnut16', 'wnut16', 'wnut2016', table3[0][2][index], table3_sizes[index],
        { wnut16_train: 'train', char_vocabulary: 'all_files' }, setting=combination + '_plus_all_files_characters')
    for index in [1, 2, 3]
  ] + [
    // Table 3 at 500 sentences with the GloVe vectors fine-tuned (the default preset's Base row).
    row(model[0], model[1], 'wnut16', 'wnut2016', model[2][4], 500, { wnut16_train: 'train' }, base=fine_tuned)
    for model in table3
  ] + [
    row(model[0], model[1], 'wnut16', 'wnut2016', model[2][4], 500, { wnut16_train: 'train' }, base=no_reversal)
    for model in table3
    if std.member(with_discriminator, model[0])
  ] + [
    // The default preset's + AT (no discriminator) at 500 sentences, and the models with a
    // discriminator without reversal (the default) and with the authors' 0.7 (the DATNet-P options
    // stay the paper's).
    row(model[0], model[1], 'wnut16', 'wnut2016', model[2], 500, { wnut16_train: 'train' }, base=base)
    for model in table3_ablations_500
    for base in (if model[0] == '+AT' then [fine_tuned] else [fine_tuned, no_reversal])
  ] + [
    // Table 3's Base and + AT rows at the other sizes with the default preset: where AT pays with
    // 10 to 1,000 sentences (the rows at 500 are above).
    row(model[0], model[1], 'wnut16', 'wnut2016', model[2][index], table3_sizes[index], { wnut16_train: 'train' }, base=fine_tuned)
    for model in [table3[0], table3_at]
    for index in std.range(0, std.length(table3_sizes) - 1)
    if table3_sizes[index] != 500
  ] + [
    // A diagnostic, not the paper's protocol: the same Base and + AT rows at 10 to 100 sentences
    // trained 150 epochs instead of 50. There AT delays learning and 50 epochs are only 50 to 200
    // optimizer steps; whether AT pays once both models have the steps to learn (dev decides).
    row(model[0], model[1], 'wnut16', 'wnut2016', model[2][index], table3_sizes[index], { wnut16_train: 'train' },
        base=fine_tuned, setting=fine_tuned + '_150_epochs', overrides={ 'trainer.num_epochs': 150 })
    for model in [table3[0], table3_at]
    for index in [0, 1, 2]
  ] + [
    // Table 3's base model with the word_casing option (not in the paper): an embedding of each
    // word's casing class, the case that lowercased GloVe loses and the paper's cased vectors
    // carry, where few sentences teach the character encoder little (dev decides); and + AT with it
    // at 500 sentences: does AT add to a base model that has the case?
    row(cells.model[0], cells.model[1], 'wnut16', 'wnut2016', cells.model[2][index], table3_sizes[index],
        { wnut16_train: 'train', word_casing: 'embedding' }, base=fine_tuned, setting=fine_tuned + '_plus_word_casing')
    for cells in [{ model: table3[0], indices: [1, 2, 3, 4, 5] }, { model: table3_at, indices: std.find(500, table3_sizes) }]
    for index in cells.indices
  ] + [
    // ... and + F-Transfer with it at 500 sentences, the default without reversal plus the option:
    // does transfer still add to a base model that has the case?
    row(model[0], model[1], 'wnut16', 'wnut2016', model[2], 500,
        { wnut16_train: 'train', word_casing: 'embedding' }, base=no_reversal, setting=no_reversal + '_plus_word_casing')
    for model in [at_500(table3_f_transfer)]
  ] + [
    // ... and + F-Transfer and DATNet-F at 1,000 sentences, the default without reversal: with the
    // rows above, each part of DATNet-F at 1,000 sentences, where DATNet-F with the authors'
    // options on fixed GloVe (reversal 0.7) was 5.1 below the paper.
    row(model[0], model[1], 'wnut16', 'wnut2016', model[2][5], 1000, { wnut16_train: 'train' }, base=no_reversal)
    for model in [table3_f_transfer, table3[1]]
  ] + [
    // Table 2, WNUT-2017.
    row(model[0], model[1], 'wnut17', 'wnut2017', model[2])
    for model in table2
  ] + [
    // ... with the GloVe vectors fine-tuned (the default preset's Base row).
    row(model[0], model[1], 'wnut17', 'wnut2017', model[2], base=fine_tuned)
    for model in table2
  ] + [
    row(model[0], model[1], 'wnut17', 'wnut2017', model[2], base=no_reversal)
    for model in table2
    if std.member(with_discriminator, model[0])
  ] + [
    // The base model with the word_casing option (not in the paper), dev deciding as above.
    row(table2[0][0], table2[0][1], 'wnut17', 'wnut2017', table2[0][2], extra={ word_casing: 'embedding' },
        base=fine_tuned, setting=fine_tuned + '_plus_word_casing')
  ],
}
