// Pieces shared by every experiment. Settings come from environment variables (AllenNLP passes
// them to Jsonnet as external variables; datnet_allennlp supplies the defaults when imported):
//   DATNET_DATA_DIR  the folder with the corpora and embeddings (default: ../shared/data)
//   DATNET_SEED      random, NumPy and PyTorch seed (default: 13)
local data_dir = std.extVar('DATNET_DATA_DIR');
local seed = std.parseInt(std.extVar('DATNET_SEED'));

local conll_types = ['PER', 'LOC', 'ORG', 'MISC'];

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
  },

  path(corpus, split):: data_dir + '/' + $.corpora[corpus].dir + '/' + split + '.txt',
  glove_file:: data_dir + '/embeddings/glove.6B.50d.ner-vocab.txt',

  // Words are looked up lowercased (GloVe 6B is lowercased); characters keep their case.
  token_indexers:: {
    tokens: { type: 'single_id', lowercase_tokens: true },
    token_characters: { type: 'characters', min_padding_length: 3 },
  },

  reader(corpus, resource):: {
    type: 'datnet_conll',
    resource: resource,
    entity_types: $.corpora[corpus].entity_types,
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
      encoder: {
        type: 'lstm',
        input_size: $.embedding_dim,
        hidden_size: 200,
        bidirectional: true,
      },
    },
    data_loader: $.data_loader,
    trainer: $.trainer,
  },
}
