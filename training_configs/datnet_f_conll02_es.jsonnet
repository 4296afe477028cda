// DATNet-F (full share + GRAD), CoNLL-2003 English -> CoNLL-2002 Spanish. Without adversarial training for now.
local common = import 'common.libsonnet';

common.datnet('conll2002_es', transfer='full', discriminator='grad')
