// Pieces shared by every experiment. Settings come from environment variables (AllenNLP passes
// them to Jsonnet as external variables; datnet_allennlp supplies the defaults when imported):
//   DATNET_DATA_DIR  the folder with the corpora and embeddings (default: ../shared/data)
//   DATNET_SEED      random, NumPy and PyTorch seed (default: 13)
//   DATNET_TARGET_SENTENCES  keep this many target training sentences (default: empty, all)
//   DATNET_TARGET_RATIO      or keep this ratio of them (default: empty, all)
//   DATNET_ALPHA     GRAD's alpha (default: 0.25)
//   DATNET_OPTIONS   a JSON object of model and training options, e.g.
//                    '{"preset": "paper_text", "lr_schedule": "constant"}' (default: '{}', the
//                    recommended preset); the options and the presets are `presets` below
local data_dir = std.extVar('DATNET_DATA_DIR');
local seed = std.parseInt(std.extVar('DATNET_SEED'));
local target_sentences = std.extVar('DATNET_TARGET_SENTENCES');
local target_ratio = std.extVar('DATNET_TARGET_RATIO');
local alpha = std.parseJson(std.extVar('DATNET_ALPHA'));

local conll_types = ['PER', 'LOC', 'ORG', 'MISC'];

// Each option picks between the paper's text and what the authors' code does where the paper is
// silent (../shared/REFERENCE.md section 2). Only the `datnet` configs read them. A run starts
// from a preset (DATNET_OPTIONS `preset`) and the options it names replace the preset's values.
local paper_text = {
  // 'per_word': a training word without a pretrained vector gets its own fixed random vector, a
  // test word without one the untrained unknown vector; 'trainable_unk': only words with a
  // pretrained vector enter the vocabulary and every other word shares one trained unknown vector
  // (without pretrained vectors: words seen fewer than `word_min_count` times in training), and
  // characters seen fewer than `char_min_count` times share the unknown character.
  unknown_words: 'per_word',
  word_min_count: 5,
  char_min_count: 5,
  // The word vectors of the `datnet` configs: 'fixed' (pretrained and never trained: the paper's
  // text and the authors' tune_emb flag), 'fine_tuned' (pretrained, then trained with the model) or
  // 'none' (trainable random 50-d vectors for every corpus, as the authors' DATNet-F script does
  // without a vector file, theirs 300-d).
  word_vectors: 'fixed',
  // 'lowercase': words are looked up lowercased, as GloVe 6B is (the paper's word2vec vectors are
  // cased, and the authors' code keeps the case: word_lower off); 'cased': each cased form seen
  // in training gets its own vector, which starts from its lowercased form's and is fine-tuned
  // apart from it; a form training never saw falls back to its lowercased form. Needs
  // 'trainable_unk' and 'fine_tuned' vectors.
  word_case: 'lowercase',
  // Not in the paper: 'embedding' adds a 10-d embedding of each word's casing class (lowercase,
  // capitalized, uppercase, mixed case, digits, neither; the `word_casing` indexer) in front of
  // the BiLSTM, for the case that lowercased GloVe loses and the paper's cased vectors carry.
  word_casing: 'none',
  // 'paper': 30-d characters, 20 filters of width 3, ReLU; 'authors': 100-d characters, widths
  // 1-5 with 10-50 filters, tanh, 2 highway layers (AllenNLP's cnn-highway, projected to 150).
  char_encoder: 'paper',
  // 'inverse_time': lr / (1 + 0.05 t) per epoch (the paper); 'constant' (the authors' code).
  lr_schedule: 'inverse_time',
  // null, or the size of a Dense + tanh layer after the shared BiLSTM (the authors': 400).
  shared_projection: null,
  // 'sum' (paper Eq. 2) or 'mean' (the authors' code) over the batch.
  loss_reduction: 'sum',
  // AT's character perturbation: 'sentence' or 'sentence_and_dimension' (the authors' code).
  at_character_norm: 'sentence',
  // AT's epsilon for words (both resources) and characters: 5 was chosen for the authors'
  // word2vec vectors (paper Table 6); a number to sweep on GloVe.
  at_epsilon: 5.0,
  // The fraction of the target batches that ends each epoch, target only (the authors': 0.2).
  target_tail: 0.0,
  // WNUT-2016 training data: 'train+dev' (the paper; last epoch kept), 'train' (dev selects) or
  // 'train+dev_dev_selects' (the authors' code with its use_dev flag: the dev set, inside the
  // training data, still selects the epoch).
  wnut16_train: 'train+dev',
  // Which target sentences DATNET_TARGET_SENTENCES / DATNET_TARGET_RATIO keep: 'random' (the
  // reader's sample_seed 1: the same sentences for every seed) or 'first' (the first ones of
  // the training file, as the authors' code takes them; the paper's text says random).
  target_subset: 'random',
  // The draw of those sentences: a number is the reader's sample_seed (1: every run seed trains on
  // the same N sentences) and 'run_seed' draws with DATNET_SEED, so that seeds average over draws.
  target_sample_seed: 1,
  // The character vocabulary: 'training' (the characters of the training sentences read) or
  // 'all_files' (the authors' code: every character seen `char_min_count` times in the train, dev
  // and test files of the corpora, a sample's whole training file included; words and tags are
  // not read from dev and test).
  char_vocabulary: 'training',
  // Hashtags: 'keep' (the paper's text and the authors' code) or 'strip': the model reads
  // '#Steelers' as 'Steelers', so that more of them have a pretrained vector (the reader's
  // strip_hashtags; the output words keep the '#').
  hashtags: 'keep',
  // One label set and one CRF transition matrix for both resources (the authors' code).
  share_labels: false,
  // With transfer, one word vocabulary and one word embedding for both resources instead of one
  // per resource (the paper and the authors' code); both must use the same vector file. Matters
  // with fine-tuned vectors, which otherwise drift apart in front of the shared encoder.
  share_words: false,
  // Initial weights: 'pytorch' (PyTorch's and AllenNLP's defaults) or 'tensorflow' (the authors'
  // TensorFlow 1 defaults: Glorot-uniform weight matrices and zero biases for the LSTM, the Dense
  // layers and the character CNN, and an LSTM forget-gate bias of 1). Not in the paper's text.
  initialization: 'pytorch',
  // Training batches: 'length_buckets' (sentences of similar length together: less padding) or
  // 'random' (the authors' code). Not in the paper's text; AllenNLP's usual bucketing is ours.
  batches: 'length_buckets',
  // One Adam state per resource, stepped by that resource's batches (the authors' code).
  optimizer_per_resource: false,
  // DATNet-P: the discriminator reads 'shared' or 'private_and_shared' (the authors' code) and
  // each epoch uses `p_source_fraction` of the source batches (the authors': 1.0).
  p_discriminator_input: 'shared',
  p_source_fraction: 0.3,
  // DATNet-F and F-Transfer: each epoch uses this fraction of the source batches (the paper's
  // text is silent; the authors' code: 0.3).
  f_source_fraction: 0.3,
  // How strongly GRAD's gradient is reversed into the shared layers (the paper is silent; the
  // authors' grad_rev_rate: 0.7); a number at least 0.
  grad_reversal_scale: 0.7,
  // Whether GRAD's attention pooling leaves padding out: 'masked', or 'unmasked' (the authors'
  // code: padding positions are weighed too). The paper is silent.
  discriminator_padding: 'masked',
};
local presets = {
  // Every option as the paper's text has it.
  paper_text: paper_text,
  // The default: the authors' code where it measured better on WNUT-2016 dev (3 seeds, on the
  // base model and on F-Transfer; docs/authors-options.md), and GloVe fine-tuned, which raised dev
  // F1 of all four Table 4 models (+1.4 to +3.0; the authors' code keeps its vectors fixed). Their
  // character encoder is left out (no gain, 2.2 times slower), and so are the DATNet-P options
  // (not measured). GRAD's gradient is not reversed into the shared layers: the authors' 0.7
  // lowered DATNet-F's dev F1 by 2.64 at 500 sentences (a finding) and elsewhere by 0.08 to 1.5.
  recommended: paper_text {
    grad_reversal_scale: 0,
    word_vectors: 'fine_tuned',
    unknown_words: 'trainable_unk',
    lr_schedule: 'constant',
    shared_projection: 400,
    loss_reduction: 'mean',
    at_character_norm: 'sentence_and_dimension',
    target_tail: 0.2,
    share_labels: true,
    optimizer_per_resource: true,
  },
};
local given_options = std.parseJson(std.extVar('DATNET_OPTIONS'));
local preset = std.get(given_options, 'preset', 'recommended');
local unknown_options = std.setDiff(std.objectFields(given_options), std.set(std.objectFields(paper_text) + ['preset']));
local options = if std.length(unknown_options) > 0
then error 'DATNET_OPTIONS: unknown options ' + std.toString(unknown_options) + '; known: ' + std.toString(['preset'] + std.objectFields(paper_text))
else if !std.member(std.objectFields(presets), preset)
then error 'DATNET_OPTIONS: preset must be one of ' + std.toString(std.objectFields(presets)) + ', got ' + std.manifestJsonMinified(preset)
else presets[preset] + given_options;
local trainable_unk = options.unknown_words == 'trainable_unk';
// An option that takes one of `values`; the error names the option, its values and what it got.
local choice(name, values) = if std.member(values, options[name]) then options[name]
else error 'DATNET_OPTIONS: ' + name + ' must be '
           + std.join(', ', [std.manifestJsonMinified(value) for value in values[:std.length(values) - 1]])
           + ' or ' + std.manifestJsonMinified(values[std.length(values) - 1])
           + ', got ' + std.manifestJsonMinified(options[name]);
local at_epsilon = if std.isNumber(options.at_epsilon) then options.at_epsilon
else error 'DATNET_OPTIONS: at_epsilon must be a number, got ' + std.manifestJsonMinified(options.at_epsilon);

// A user's own target corpus (the `*_custom` configs): its files, entity types (empty: the types
// found in its training file), word vectors (empty: the English GloVe file; 'none': trainable
// embeddings) and their dimension (read from the file when allennlp starts), and the source.
local custom_target = {
  train: std.extVar('DATNET_TARGET_TRAIN'),
  dev: std.extVar('DATNET_TARGET_DEV'),
  types: std.extVar('DATNET_TARGET_TYPES'),
  vectors: std.extVar('DATNET_TARGET_VECTORS'),
  vectors_dim: std.parseInt(std.extVar('DATNET_TARGET_VECTORS_DIM')),
};
local authors_chars = options.char_encoder == 'authors';
local tensorflow_initialization = choice('initialization', ['pytorch', 'tensorflow']) == 'tensorflow';
// AllenNLP applies the first pattern that matches a parameter's name. The word embeddings (pretrained
// or the trained unknown vector), the character embedding and the CRF keep their own initialisation.
local tensorflow_initializer = {
  local lstms = '(_shared_encoder|_private_encoders)',
  local dense = '(_shared_projection|_tag_projections|discriminator|_character_encoder\\._encoder)',
  regexes: [
    [lstms + '.*weight_(ih|hh)', { type: 'xavier_uniform' }],
    [lstms + '.*bias_ih', { type: 'zero' }],
    // PyTorch adds bias_ih and bias_hh: the forget gate starts at 1, as TensorFlow's forget_bias.
    [lstms + '.*bias_hh', { type: 'lstm_hidden_bias' }],
    [dense + '.*weight', { type: 'xavier_uniform' }],
    [dense + '.*bias', { type: 'zero' }],
  ],
};
local random_batches = choice('batches', ['length_buckets', 'random']) == 'random';
// A fraction of the source batches, named in the error by its option.
local source_fraction(name) = if std.isNumber(options[name]) && options[name] >= 0 && options[name] <= 1 then options[name]
else error 'DATNET_OPTIONS: ' + name + ' must be a number in [0, 1], got ' + std.manifestJsonMinified(options[name]);
local wnut16_merged = choice('wnut16_train', ['train+dev', 'train', 'train+dev_dev_selects']) != 'train';
local target_subset = choice('target_subset', ['random', 'first']);
local target_sample_seed = if options.target_sample_seed == 'run_seed' then seed
else if std.isNumber(options.target_sample_seed) && std.floor(options.target_sample_seed) == options.target_sample_seed then options.target_sample_seed
else error 'DATNET_OPTIONS: target_sample_seed must be an integer or "run_seed", got ' + std.manifestJsonMinified(options.target_sample_seed);
local all_files_characters = choice('char_vocabulary', ['training', 'all_files']) == 'all_files';
local strip_hashtags = choice('hashtags', ['keep', 'strip']) == 'strip';
local word_vectors = choice('word_vectors', ['fixed', 'fine_tuned', 'none']);
local cased_words = choice('word_case', ['lowercase', 'cased']) == 'cased' && (
  if trainable_unk && word_vectors == 'fine_tuned' then true
  else error 'DATNET_OPTIONS: word_case "cased" needs unknown_words "trainable_unk" and word_vectors "fine_tuned", got '
             + std.manifestJsonMinified({ unknown_words: options.unknown_words, word_vectors: word_vectors })
);
local casing_feature = choice('word_casing', ['none', 'embedding']) == 'embedding';
local share_words = if std.isBoolean(options.share_words) then options.share_words
else error 'DATNET_OPTIONS: share_words must be true or false, got ' + std.manifestJsonMinified(options.share_words);
local unmasked_discriminator_padding = choice('discriminator_padding', ['masked', 'unmasked']) == 'unmasked';
local grad_reversal_scale = if std.isNumber(options.grad_reversal_scale) && options.grad_reversal_scale >= 0 then options.grad_reversal_scale
else error 'DATNET_OPTIONS: grad_reversal_scale must be a number at least 0, got ' + std.manifestJsonMinified(options.grad_reversal_scale);

{
  // Each corpus: where its splits are, its entity types, and whether English GloVe vectors
  // cover it (Spanish and Dutch have no pretrained vectors here, see README).
  corpora:: {
    conll2003_en: { dir: 'conll2003_en', entity_types: conll_types, glove: true },
    conll2002_es: { dir: 'conll2002_es', entity_types: conll_types, glove: false },
    conll2002_nl: { dir: 'conll2002_nl', entity_types: conll_types, glove: false },
    wnut2016: {
      dir: 'wnut2016',
      entity_types: ['company', 'facility', 'geo-loc', 'movie', 'musicartist', 'other', 'person',
                     'product', 'sportsteam', 'tvshow'],
      glove: true,
    },
    wnut2017: {
      dir: 'wnut2017',
      entity_types: ['corporation', 'creative-work', 'group', 'location', 'person', 'product'],
      glove: true,
    },
    custom: {
      paths: if custom_target.train == '' then error 'the *_custom configs need DATNET_TARGET_TRAIN (and DATNET_TARGET_DEV for a dev set), see README'
             else { train: custom_target.train, dev: custom_target.dev },
      entity_types: if custom_target.types == '' then null else std.split(custom_target.types, ','),
      vectors: if custom_target.vectors == 'none' then null
               else if custom_target.vectors == '' then $.glove_file else custom_target.vectors,
      vectors_dim: if custom_target.vectors == '' then 50 else custom_target.vectors_dim,
    },
  },

  path(corpus, split):: if 'paths' in $.corpora[corpus] then $.corpora[corpus].paths[split]
                        else data_dir + '/' + $.corpora[corpus].dir + '/' + split + '.txt',
  glove_file:: data_dir + '/embeddings/glove.6B.50d.ner-vocab.txt',
  // The corpus's word-vector file in the `datnet` configs, or null for trainable embeddings.
  vector_file(corpus):: if word_vectors == 'none' then null
                        else if 'vectors' in $.corpora[corpus] then $.corpora[corpus].vectors
                        else if $.corpora[corpus].glove then $.glove_file else null,

  // Words are looked up lowercased (GloVe 6B is lowercased); characters keep their case.
  token_indexers:: {
    tokens: { type: 'single_id', lowercase_tokens: true },
    token_characters: { type: 'characters', min_padding_length: 3 },
  },

  // Without written entity types (a user's corpus), the types of the training file are the
  // known ones: a dev or test tag of another type is an error naming its file and line.
  reader(corpus, resource):: {
    type: 'datnet_conll',
    resource: resource,
    [if $.corpora[corpus].entity_types != null then 'entity_types']: $.corpora[corpus].entity_types,
    [if $.corpora[corpus].entity_types == null then 'entity_types_from']: $.path(corpus, 'train'),
    token_indexers: $.token_indexers,
  },

  // Paper, section 4.2: 50-d word vectors (fixed pretrained GloVe for English, trainable random
  // init otherwise), 30-d random char embeddings, char CNN with 20 filters.
  word_embedding(corpus):: if $.corpora[corpus].glove then {
    type: 'embedding',
    embedding_dim: 50,
    pretrained_file: $.glove_file,
    trainable: false,
  } else {
    type: 'embedding',
    embedding_dim: 50,
    trainable: true,
  },
  char_encoder:: {
    type: 'character_encoding',
    embedding: { embedding_dim: 30, vocab_namespace: 'token_characters' },
    encoder: {
      type: 'cnn',
      embedding_dim: 30,
      num_filters: 20,
      ngram_filter_sizes: [3],
      conv_layer_activation: 'relu',
    },
  },
  embedding_dim:: 50 + 20,

  // The `datnet` configs' character encoder (option char_encoder).
  authors_char_encoder:: {
    type: 'character_encoding',
    embedding: { embedding_dim: 100, vocab_namespace: 'token_characters' },
    encoder: {
      type: 'cnn-highway',
      embedding_dim: 100,
      filters: [[1, 10], [2, 20], [3, 30], [4, 40], [5, 50]],
      num_highway: 2,
      projection_dim: 150,
      activation: 'tanh',
    },
  },
  datnet_char_encoder:: if authors_chars then $.authors_char_encoder else $.char_encoder,
  datnet_embedding_dim:: (if authors_chars then 50 + 150 else $.embedding_dim) + (if casing_feature then $.casing_embedding.embedding_dim else 0),
  // The word_casing option's embedding: one row per class of the `word_casing` indexer.
  casing_embedding:: { type: 'embedding', num_embeddings: 7, embedding_dim: 10 },

  // Every tag of the corpus enters the label vocabulary, also those that a (small) training
  // sample lacks, so evaluating on dev or test never meets an unknown label.
  labels(corpus):: ['O'] + [
    prefix + '-' + type
    for type in $.corpora[corpus].entity_types
    for prefix in ['B', 'I', 'L', 'U']
  ],

  // With GloVe, every word of the (vocabulary-trimmed) vector file enters the vocabulary, so dev
  // and test words unseen in training still get their pretrained vectors.
  vocabulary(corpus):: {
    type: 'from_instances',
    tokens_to_add: { target_labels: $.labels(corpus) },
  } + if $.corpora[corpus].glove then {
    pretrained_files: { tokens: $.glove_file },
    min_pretrained_embeddings: { tokens: 1000000 },
  } else {},

  data_loader:: { batch_sampler: { type: 'bucket', batch_size: 32 } },

  // Paper, section 4.2: Adam at 0.001, lr_t = lr_0 / (1 + 0.05 t), gradient clipping 5; the
  // authors' code trains 50 epochs and keeps the epoch with the best target dev F1.
  trainer:: {
    optimizer: { type: 'adam', lr: 0.001 },
    learning_rate_scheduler: { type: 'inverse_time_decay', decay_rate: 0.05 },
    grad_norm: 5.0,
    num_epochs: 50,
    validation_metric: '+f1-measure-overall',
    checkpointer: { keep_most_recent_by_count: 1 },
  },

  seeds:: { random_seed: seed, numpy_seed: seed, pytorch_seed: seed },

  // The base model (paper Fig. 1a) on one target corpus: allennlp-models' crf_tagger with the
  // paper's hyper-parameters, BiLSTM with 200 hidden units per direction.
  base_tagger(corpus):: $.seeds {
    dataset_reader: $.reader(corpus, 'target'),
    train_data_path: $.path(corpus, 'train'),
    validation_data_path: $.path(corpus, 'dev'),
    vocabulary: $.vocabulary(corpus),
    datasets_for_vocab_creation: ['train'],
    model: {
      type: 'crf_tagger',
      label_namespace: 'target_labels',
      label_encoding: 'BIOUL',
      constrain_crf_decoding: true,
      calculate_span_f1: true,
      dropout: 0.5,
      text_field_embedder: {
        token_embedders: {
          tokens: $.word_embedding(corpus),
          token_characters: $.char_encoder,
        },
      },
      encoder: $.bilstm(200),
    },
    data_loader: $.data_loader,
    trainer: $.trainer,
  },

  // --- DATNet (the `datnet` model) ---------------------------------------------------------

  // Words of each resource live in their own namespace (and embedding) unless share_words;
  // characters are shared.
  resource_indexers(resource):: {
    tokens: (if cased_words then { type: 'single_id_cased_with_lowercase_fallback' }
             else { type: 'single_id', lowercase_tokens: true }) + { namespace: $.word_namespace(resource) },
    // The widest character filter needs that many characters.
    token_characters: { type: 'characters', min_padding_length: if authors_chars then 5 else 3 },
    [if casing_feature then 'word_casing']: { type: 'word_casing' },
  },

  resource_reader(corpus, resource, sample=false, shared_labels=false):: $.reader(corpus, resource) {
    token_indexers: $.resource_indexers(resource),
    // Distributed training: every worker reads all sentences; resource_batches shares each batch.
    distributed_sharding: false,
    [if shared_labels then 'label_namespace']: 'labels',
    [if strip_hashtags then 'strip_hashtags']: true,
  } + (if sample && target_sentences != '' then { max_sentences: std.parseInt(target_sentences) }
       else if sample && target_ratio != '' then { ratio: std.parseJson(target_ratio) }
       else {})
    + (if sample && target_subset == 'first' then { subset: 'first' } else {})
    + (if sample && target_sample_seed != 1 && (target_sentences != '' || target_ratio != '') then { sample_seed: target_sample_seed } else {}),

  // A user's vectors of another dimension are projected to 50, the size both resources share.
  resource_word_embedding(corpus, resource):: (
    local vectors_dim = std.get($.corpora[corpus], 'vectors_dim', 50);
    if $.vector_file(corpus) == null then { type: 'embedding', embedding_dim: 50, trainable: true }
    else {
      type: if trainable_unk then 'embedding_with_trainable_unknown' else 'embedding',
      embedding_dim: vectors_dim,
      pretrained_file: $.vector_file(corpus),
      // The trainable-unknown embedding is fixed by default: leaving the key out keeps the configs,
      // and so the runner's run digests, of the options measured before word_vectors existed.
      [if !trainable_unk || word_vectors == 'fine_tuned' then 'trainable']: word_vectors == 'fine_tuned',
      [if vectors_dim != 50 then 'projection_dim']: 50,
      [if cased_words then 'cased_from_lowercase']: true,
    }
  ) + { vocab_namespace: $.word_namespace(resource) },

  // The vocabulary namespace of a resource's words (option share_words: one for both).
  word_namespace(resource):: if share_words then 'tokens' else resource + '_tokens',
  // The resources whose word namespaces the vocabulary sets up: with share_words, the target's
  // stands for both, which must then read the same vectors.
  local word_resources(corpora) = if share_words && std.length(std.objectFields(corpora)) > 1 then (
    if std.length(std.set([std.toString($.vector_file(corpora[r])) for r in std.objectFields(corpora)])) == 1 then ['target']
    else error 'DATNET_OPTIONS: share_words needs the same word vectors for both corpora, got '
               + std.toString({ [r]: $.vector_file(corpora[r]) for r in std.objectFields(corpora) })
  ) else std.objectFields(corpora),

  bilstm(hidden_size, input_size=$.embedding_dim):: {
    type: 'lstm',
    input_size: input_size,
    hidden_size: hidden_size,
    bidirectional: true,
  },

  // With shared labels (option share_labels), one namespace holds the union of the tag sets.
  // A corpus without written entity types takes its label set from its training file.
  local inferred_labels(corpora) = [r for r in std.objectFields(corpora) if $.corpora[corpora[r]].entity_types == null],
  resource_vocabulary(corpora, shared_labels=false):: {
    type: 'from_instances',
    tokens_to_add: if shared_labels then {
      labels: std.foldl(function(union, resource) union + [
        label for label in $.labels(corpora[resource]) if !std.member(union, label)
      ], std.setDiff(std.objectFields(corpora), inferred_labels(corpora)), []),
    } else {
      [resource + '_labels']: $.labels(corpora[resource])
      for resource in std.objectFields(corpora) if !std.member(inferred_labels(corpora), resource)
    },
    pretrained_files: {
      [$.word_namespace(resource)]: $.vector_file(corpora[resource])
      for resource in word_resources(corpora) if $.vector_file(corpora[resource]) != null
    },
    min_pretrained_embeddings: {
      [$.word_namespace(resource)]: 1000000
      for resource in word_resources(corpora) if $.vector_file(corpora[resource]) != null
    },
  } + (if std.length(inferred_labels(corpora)) > 0 then {
    type: 'from_instances_and_corpus_files',
    tag_files: {
      [if shared_labels then 'labels' else resource + '_labels']: $.path(corpora[resource], 'train')
      for resource in inferred_labels(corpora)
    },
  } else {}) + (if all_files_characters then {
    type: 'from_instances_and_corpus_files',
    // Characters only: the dev and test files' words and tags stay out of the vocabulary.
    character_files: {
      token_characters: [
        $.path(corpora[resource], split)
        for resource in std.objectFields(corpora)
        for split in ['train', 'dev', 'test']
        // A user's corpus names its train and dev files only.
        if !('paths' in $.corpora[corpora[resource]]) || std.get($.corpora[corpora[resource]].paths, split, '') != ''
      ],
    },
    character_min_count: options.char_min_count,
  } else {}) + (if cased_words then {
    type: 'from_instances_and_corpus_files',
    cased_word_namespaces: [
      $.word_namespace(resource)
      for resource in word_resources(corpora) if $.vector_file(corpora[resource]) != null
    ],
  } else {}) + if trainable_unk then {
    only_include_pretrained_words: true,
    min_count: { token_characters: options.char_min_count } + {
      [$.word_namespace(resource)]: options.word_min_count
      for resource in word_resources(corpora) if $.vector_file(corpora[resource]) == null
    },
  } else {},

  // WNUT-2016 trains on train + dev merged (as the paper and all prior work do), so it has no
  // dev set to select on: it trains the fixed 50 epochs and keeps the last one. The other
  // corpora keep the epoch with the best target dev F1. Nothing looks at the test set.
  // Option wnut16_train 'train' gives WNUT-2016 the other corpora's protocol (train, dev selects);
  // 'train+dev_dev_selects' merges and still validates on dev, as the authors' code does.
  local merged_dev(corpus) = corpus == 'wnut2016' && wnut16_merged,
  local no_dev_selection(corpus) = corpus == 'wnut2016' && options.wnut16_train == 'train+dev',
  target_train_path(corpus):: if merged_dev(corpus) then [$.path(corpus, 'train'), $.path(corpus, 'dev')]
                              else $.path(corpus, 'train'),
  // The training reader (sample=true) samples the target data; the validation reader never
  // samples. `allennlp evaluate` and `predict` read with the validation reader (falling back to
  // the training reader without one), so every config has one, even with nothing to validate.
  // With transfer, a plain path is target data and '{"source": path}' reads the source corpus.
  datnet_reader(target, transfer, source, sample):: if transfer == 'none' then
    $.resource_reader(target, 'target', sample)
  else {
    type: 'datnet_transfer',
    source: $.resource_reader(source, 'source', false, options.share_labels),
    target: $.resource_reader(target, 'target', sample, options.share_labels),
  },
  // A user's corpus without a dev set trains the 50 epochs and keeps the last one.
  target_validation(corpus):: if no_dev_selection(corpus) || $.path(corpus, 'dev') == '' then {} else {
    validation_data_path: $.path(corpus, 'dev'),
  },

  // Adversarial training (paper section 3.5): the trainer callback perturbs each training batch's
  // word and character embeddings by epsilon = 5 (the paper's default for all three;
  // DATNET_OPTIONS at_epsilon changes it).
  adversarial_training:: {
    type: 'adversarial_training',
    source_word_epsilon: at_epsilon,
    target_word_epsilon: at_epsilon,
    character_epsilon: at_epsilon,
    [if options.at_character_norm != 'sentence' then 'character_norm']: options.at_character_norm,
  },

  // transfer: 'full' (DATNet-F), 'partial' (DATNet-P) or 'none' (base model);
  // discriminator: 'grad', 'ad' or null (no discriminator); adversarial: add the AT callback.
  datnet(target, transfer='full', discriminator='grad', adversarial=false, source='conll2003_en')::
  $.seeds {
    local corpora = if transfer == 'none' then { target: target } else { source: source, target: target },
    local hidden = if transfer == 'partial' then 100 else 200,
    dataset_reader: $.datnet_reader(target, transfer, source, sample=true),
    train_data_path: if transfer == 'none' then $.target_train_path(target) else {
      source: $.path(source, 'train'),
      target: $.target_train_path(target),
    },
    vocabulary: $.resource_vocabulary(corpora, options.share_labels && transfer != 'none'),
    datasets_for_vocab_creation: ['train'],
    model: {
      type: 'datnet',
      transfer: transfer,
      word_embedders: {
        [resource]: $.resource_word_embedding(corpora[resource], resource)
        for resource in std.objectFields(corpora)
      },
      character_encoder: $.datnet_char_encoder,
      [if casing_feature then 'casing_embedding']: $.casing_embedding,
      shared_encoder: $.bilstm(hidden, $.datnet_embedding_dim),
      [if transfer == 'partial' then 'private_encoders']: {
        source: $.bilstm(hidden, $.datnet_embedding_dim),
        target: $.bilstm(hidden, $.datnet_embedding_dim),
      },
      [if options.shared_projection != null then 'shared_projection_dim']: options.shared_projection,
      [if options.loss_reduction != 'sum' then 'loss_reduction']: options.loss_reduction,
      [if share_words && transfer != 'none' then 'share_word_embedding']: true,
      [if options.share_labels && transfer != 'none' then 'share_labels']: true,
      [if transfer == 'partial' && options.p_discriminator_input != 'shared' then 'discriminator_input']:
        options.p_discriminator_input,
      [if discriminator != null then 'discriminator']: { loss: discriminator, alpha: alpha } + (
        // Left out at the module's default, so that the configs (and run digests) measured before
        // the option existed stay the same.
        if grad_reversal_scale != 0.7 then { reversal_scale: grad_reversal_scale } else {}
      ) + (if unmasked_discriminator_padding then { mask_padding: false } else {}),
      embedding_dropout: 0.2,
      encoder_dropout: 0.5,
      [if tensorflow_initialization then 'initializer']: tensorflow_initializer,
    },
    validation_dataset_reader: $.datnet_reader(target, transfer, source, sample=false),
    data_loader: { batch_sampler: {
      type: 'resource_batches',
      batch_size: 32,
      source_fraction: source_fraction(if transfer == 'partial' then 'p_source_fraction' else 'f_source_fraction'),
      [if transfer != 'none' && options.target_tail > 0 then 'target_tail_fraction']: options.target_tail,
      [if random_batches then 'sort_by_length']: false,
    } },
    // Validation and `allennlp evaluate` score every sentence, source ones included.
    validation_data_loader: {
      batch_sampler: { type: 'resource_batches', batch_size: 32, source_fraction: 1.0, shuffle: false },
    },
    trainer: $.trainer {
      // gradient_descent that names a NaN loss's batch and resumes exactly (see its docstring).
      type: 'datnet',
      [if adversarial then 'callbacks']: [$.adversarial_training],
      [if options.optimizer_per_resource && transfer != 'none' then 'optimizer']: {
        type: 'per_resource',
        optimizer: $.trainer.optimizer,
      },
    } + if options.lr_schedule == 'constant' then { learning_rate_scheduler:: super.learning_rate_scheduler }
        else if options.lr_schedule == 'inverse_time' then {}
        else error 'DATNET_OPTIONS: lr_schedule must be "inverse_time" or "constant"',
  } + $.target_validation(target),
}
