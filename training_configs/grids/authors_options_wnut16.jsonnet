// Screening the authors'-code options (DATNET_OPTIONS, see common.libsonnet) one at a time and
// all together, on the base model and on F-Transfer (GRAD) without AT (and the combinations with
// AT: +AT and DATNet-F, also with fine-tuned word vectors; on F-Transfer the kept combination less
// each transfer-only option; and the kept combination with hashtags stripped, with random batches,
// with TensorFlow's initial weights, with GRAD's equal weights, with every source batch each
// epoch, with fine-tuned or no word vectors; and that with a stronger gradient reversal,
// weaker ones and none, and with one word table for both resources), on WNUT-2016 trained on
// train only so that the dev set selects the epoch and decides: compare the report's dev F1
// column, never its test F1. Run with e.g.
//   allennlp reproduce training_configs/grids/authors_options_wnut16.jsonnet --seeds 3 --jobs 2 \
//       --only setting=paper,unknown_words --output-dir reproduce
local combinations = import 'authors_options.libsonnet';
// Options that only act with a source corpus are not run on the base model (shared_projection
// acts on it too: the taggers read the projection).
local transfer_only = ['optimizer_per_resource', 'share_labels', 'target_tail'];
// Their values in the paper's text (common.libsonnet).
local paper_values = { optimizer_per_resource: false, share_labels: false, target_tail: 0.0 };
// Each option alone takes its value in the authors' combination.
local options = {
  paper: combinations.paper,
  all: combinations.all,
  all_but_char_encoder: combinations.all_but_char_encoder,
} + {
  [name]: combinations.paper { [name]: combinations.all[name] }
  for name in std.objectFields(combinations.all)
  if name != 'preset'
} + {
  // The kept combination less one option that acts only with a source corpus (that option at the
  // paper's text): against the paper-text F-Transfer, whose seeds spread widely, a single option
  // would have to move dev F1 by more than 4 points to count; against the combination, by less
  // than 1.
  ['all_but_char_encoder_and_' + name]: combinations.all_but_char_encoder { [name]: paper_values[name] }
  for name in transfer_only
} + {
  // Not an authors'-code option: their copy of WNUT-2016 keeps the '#' of all but about 20 test
  // entity tokens (docs/authors-options.md, "The authors' WNUT copies").
  all_but_char_encoder_plus_hashtags_stripped: combinations.all_but_char_encoder { hashtags: 'strip' },
  // The authors' code puts sentences together at random; ours groups similar lengths.
  all_but_char_encoder_plus_random_batches: combinations.all_but_char_encoder { batches: 'random' },
  // The authors' TensorFlow initial weights (forget-gate bias 1, Glorot-uniform, zero biases).
  all_but_char_encoder_plus_tensorflow_initialization: combinations.all_but_char_encoder { initialization: 'tensorflow' },
  // Every source batch each epoch instead of 0.3 of them (the authors' value too; the paper is silent).
  all_but_char_encoder_plus_all_source_batches: combinations.all_but_char_encoder { f_source_fraction: 1.0 },
  // The word vectors, the suspect left for the transfer gap (the paper's word2vec vectors are not
  // available here): GloVe fine-tuned with the model, and no pretrained vectors at all (the
  // authors' DATNet-F script without a vector file).
  all_but_char_encoder_plus_fine_tuned_word_vectors: combinations.all_but_char_encoder_plus_fine_tuned_word_vectors,
  all_but_char_encoder_plus_no_word_vectors: combinations.all_but_char_encoder { word_vectors: 'none' },
  // GRAD's weights as the authors' code has them (env below).
  all_but_char_encoder_plus_equal_grad_weights: combinations.all_but_char_encoder,
  // Fine-tuned vectors with GRAD's gradient reversed into the shared layers at 2 instead of 0.7:
  // its discriminator ends training near chance, yet a linear probe still tells the resources
  // apart (docs/tsne.md), so does a stronger reversal make the shared features carry more across?
  all_but_char_encoder_plus_fine_tuned_word_vectors_plus_grad_reversal_2:
    combinations.all_but_char_encoder_plus_fine_tuned_word_vectors { grad_reversal_scale: 2.0 },
  // And with none: the discriminator still trains, but nothing of it reaches the shared layers
  // (on DATNet-F too, to see whether the gain on F-Transfer carries over to the model with AT).
  // Now the default preset.
  all_but_char_encoder_plus_fine_tuned_word_vectors_plus_grad_reversal_0:
    combinations.all_but_char_encoder_plus_fine_tuned_word_vectors_plus_grad_reversal_0,
  // And weaker ones, between none (which raised F-Transfer's dev F1) and the authors' 0.7: is a
  // little reversal better than none?
  'all_but_char_encoder_plus_fine_tuned_word_vectors_plus_grad_reversal_0.1':
    combinations.all_but_char_encoder_plus_fine_tuned_word_vectors { grad_reversal_scale: 0.1 },
  'all_but_char_encoder_plus_fine_tuned_word_vectors_plus_grad_reversal_0.3':
    combinations.all_but_char_encoder_plus_fine_tuned_word_vectors { grad_reversal_scale: 0.3 },
  // Fine-tuned vectors with one word table for both resources: fine-tuned per resource, the
  // source's and the target's vectors of a word drift apart in front of the shared encoder
  // (fine-tuning raised the base model's test F1 twice as much as F-Transfer's).
  all_but_char_encoder_plus_fine_tuned_word_vectors_plus_shared_words:
    combinations.all_but_char_encoder_plus_fine_tuned_word_vectors { share_words: true },
  // The default with words that keep their case, each cased form fine-tuned from its lowercased
  // GloVe vector: the nearest we get here to the paper's cased word2vec vectors, the first suspect
  // left for the transfer gap (CoNLL's capitals are a strong entity cue that lowercased words lose).
  all_but_char_encoder_plus_fine_tuned_word_vectors_plus_grad_reversal_0_plus_cased_words:
    combinations.all_but_char_encoder_plus_fine_tuned_word_vectors_plus_grad_reversal_0 { word_case: 'cased' },
  // The default with each word's casing class embedded (option word_casing, not in the paper): the
  // case that lowercased GloVe loses, which raised Table 3's base model by 2 to 6 dev F1 with 50
  // to 1,000 target sentences (docs/authors-options.md): with all the target data too?
  all_but_char_encoder_plus_fine_tuned_word_vectors_plus_grad_reversal_0_plus_word_casing:
    combinations.all_but_char_encoder_plus_fine_tuned_word_vectors_plus_grad_reversal_0 { word_casing: 'embedding' },
  // Why does the authors' reversal of 0.7 cost our F-Transfer dev F1? Their discriminator's
  // attention pooling also weighs padding, and their batches are random, so a sentence's padding
  // (how much shorter it is than its batch's longest) is a cue to its resource that the reversal
  // cannot remove from the words. At 0.7 with random batches, padding masked (the control) and not.
  all_but_char_encoder_plus_fine_tuned_word_vectors_plus_random_batches:
    combinations.all_but_char_encoder_plus_fine_tuned_word_vectors { batches: 'random' },
  all_but_char_encoder_plus_fine_tuned_word_vectors_plus_random_batches_plus_unmasked_discriminator_padding:
    combinations.all_but_char_encoder_plus_fine_tuned_word_vectors { batches: 'random', discriminator_padding: 'unmasked' },
};
// The authors' GRAD is a focal loss on a 2-class softmax, in which alpha cancels: both resources
// weigh 0.5 (../shared/REFERENCE.md section 2), which is Eq. 1 with alpha 0.5.
local extra_env = { all_but_char_encoder_plus_equal_grad_weights: { DATNET_ALPHA: '0.5' } };
// Settings that act only with a source corpus and a discriminator: GRAD's weights and its gradient
// reversal need a discriminator, the source-batch fraction a source corpus. Without AT they run on
// F-Transfer only; DATNet-F runs those of them that are in with_at_settings.
local with_discriminator_only = [
  'all_but_char_encoder_plus_equal_grad_weights',
  'all_but_char_encoder_plus_all_source_batches',
  'all_but_char_encoder_plus_fine_tuned_word_vectors_plus_grad_reversal_2',
  'all_but_char_encoder_plus_fine_tuned_word_vectors_plus_grad_reversal_0',
  'all_but_char_encoder_plus_fine_tuned_word_vectors_plus_grad_reversal_0.1',
  'all_but_char_encoder_plus_fine_tuned_word_vectors_plus_grad_reversal_0.3',
  'all_but_char_encoder_plus_fine_tuned_word_vectors_plus_random_batches',
  'all_but_char_encoder_plus_fine_tuned_word_vectors_plus_random_batches_plus_unmasked_discriminator_padding',
];
// Settings that act only with a source corpus; without AT they run on F-Transfer only.
local with_source_only = ['all_but_char_encoder_plus_fine_tuned_word_vectors_plus_shared_words'];
local transfer_only_settings = transfer_only + with_discriminator_only + with_source_only + ['all_but_char_encoder_and_' + name for name in transfer_only];
local models = {
  Base: 'datnet_base_wnut16',
  'F-Transfer (GRAD)': 'ablation_f_transfer_grad_wnut16',
  '+AT': 'ablation_at_wnut16',
  'DATNet-F': 'datnet_f_wnut16',
};
// Adversarial training doubles a run's time: the models with AT confirm combinations only, and
// the options found on dev without AT that could change the default: fine-tuned word vectors (AT
// perturbs the vectors that are trained), no gradient reversal (DATNet-F only: + AT has no
// discriminator) and word casing.
local with_at = combinations.at_models;
local with_at_settings = [
  'paper',
  'all',
  'all_but_char_encoder',
  'all_but_char_encoder_plus_fine_tuned_word_vectors',
  'all_but_char_encoder_plus_fine_tuned_word_vectors_plus_grad_reversal_0',
  'all_but_char_encoder_plus_fine_tuned_word_vectors_plus_grad_reversal_0_plus_word_casing',
];
{
  name: 'authors-options-wnut16',
  runs: [
    {
      model: model,
      target: 'wnut16',
      setting: option,
      config: '../' + models[model] + '.jsonnet',
      test_file: '$DATNET_DATA_DIR/wnut2016/test.txt',
      // Only AT runs carry the authors' character perturbation (the options of runs without AT,
      // and so their run folders, stay as they were).
      env: {
        DATNET_OPTIONS: std.manifestJsonMinified(
          combinations.for_model(options[option], model) { wnut16_train: 'train' }
        ),
      } + std.get(extra_env, option, {}),
    }
    for option in std.objectFields(options)
    for model in std.objectFields(models)
    if !(std.member(['Base', '+AT'], model) && std.member(transfer_only_settings, option))
    if !(std.member(with_at, model) && !std.member(with_at_settings, option))
  ],
}
