// DATNet-F (full share + GRAD), CoNLL-2003 English -> CoNLL-2002 Dutch. Without adversarial training for now.
local common = import 'common.libsonnet';

common.datnet('conll2002_nl', transfer='full', discriminator='grad')
