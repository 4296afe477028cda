// DATNet-P (part share + GRAD + adversarial training), CoNLL-2003 English -> CoNLL-2002 Dutch.
local common = import 'common.libsonnet';

common.datnet('conll2002_nl', transfer='partial', discriminator='grad', adversarial=true)
