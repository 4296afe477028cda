from datnet_allennlp.commands.reproduce import Reproduce
from datnet_allennlp.commands.datnet_data import DatnetData
