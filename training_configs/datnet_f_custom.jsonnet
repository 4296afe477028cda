// DATNet-F (full share + GRAD + adversarial training) on your own target corpus, from CoNLL-2003 English (or DATNET_SOURCE):
//   DATNET_TARGET_TRAIN=my/train.txt DATNET_TARGET_DEV=my/dev.txt allennlp train training_configs/datnet_f_custom.jsonnet -s runs/mine
// Optional: DATNET_TARGET_TYPES (comma-separated; default: the types of the training file),
// DATNET_TARGET_VECTORS (GloVe text format, any dimension; 'none' for trainable embeddings;
// default: the English GloVe file). See README, "Your own corpus".
local common = import 'common.libsonnet';

common.datnet('custom', transfer='full', discriminator='grad', adversarial=true, source=std.extVar('DATNET_SOURCE'))
