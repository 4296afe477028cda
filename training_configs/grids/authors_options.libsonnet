// The authors'-code combinations of DATNET_OPTIONS (see common.libsonnet), shared by the grids.
// Each starts from the paper's text, so that a grid's runs stay the same when the configs'
// default preset changes.
{
  // The paper's text: no authors'-code option.
  paper: { preset: 'paper_text' },
  // Everything the authors' code does differently (../shared/REFERENCE.md section 2).
  all: self.paper {
    unknown_words: 'trainable_unk',
    char_encoder: 'authors',
    lr_schedule: 'constant',
    shared_projection: 400,
    loss_reduction: 'mean',
    optimizer_per_resource: true,
    share_labels: true,
    target_tail: 0.2,
  },
  // The authors' character encoder makes a run about 2.2 times slower for an effect inside the
  // seeds' spread on the base model (docs/authors-options.md): the combination without it.
  all_but_char_encoder: self.all { char_encoder: 'paper' },
  // ... with the GloVe vectors fine-tuned, which raised dev F1 of all four Table 4 models.
  all_but_char_encoder_plus_fine_tuned_word_vectors: self.all_but_char_encoder { word_vectors: 'fine_tuned' },
  // ... and without reversing GRAD's gradient into the shared layers, which lowered transfer's dev
  // F1 at the authors' 0.7. With `at` for the models with AT it is the configs' default preset,
  // 'recommended' (a test checks).
  all_but_char_encoder_plus_fine_tuned_word_vectors_plus_grad_reversal_0:
    self.all_but_char_encoder_plus_fine_tuned_word_vectors { grad_reversal_scale: 0 },
  // The authors' character perturbation, which only acts with AT.
  at: { at_character_norm: 'sentence_and_dimension' },
  // The grids' models with AT.
  at_models:: ['+AT', 'DATNet-F', 'DATNet-P'],
  // A setting's options as a model runs them: a model with AT also gets the authors' character
  // perturbation, unless the setting is the paper's text.
  for_model(options, model)::
    options + (if std.member(self.at_models, model) && options != self.paper then self.at else {}),
}
